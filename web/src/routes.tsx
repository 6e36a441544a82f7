/**
 * Every page of the UI and its path. The server answers each of these paths with index.html
 * (src/http/web-ui.ts lists the same first segments; a test keeps them in step). Pages load
 * lazily through the router, one chunk each, so the first page does not wait for every chart
 * library.
 */
import type { ComponentType } from 'react';
import { Navigate, type RouteObject } from 'react-router';
import { AppShell } from './layout/app-shell';
import { prefetchRunPage } from './pages/runs/run-data';

/**
 * A page the router loads before it shows it: no Suspense fallback (React keeps a fallback up
 * for at least 300 ms once shown), and on a first load the chunk is fetched as the router is
 * created, beside /whoami, and beside the route's loader.
 */
function routed(load: () => Promise<Record<string, unknown>>, name: string): Pick<RouteObject, 'lazy'> {
  return { lazy: async () => ({ Component: (await load())[name] as ComponentType }) };
}

export const ROUTES: RouteObject[] = [
  {
    path: '/',
    element: <AppShell />,
    hydrateFallbackElement: <p className="muted" aria-busy="true">Loading…</p>,
    children: [
      { index: true, element: <Navigate to="/experiments" replace /> },
      { path: 'experiments', ...routed(() => import('./pages/experiments/experiments-page'), 'ExperimentsPage') },
      { path: 'experiments/:experimentId', ...routed(() => import('./pages/experiments/experiments-page'), 'ExperimentsPage') },
      {
        path: 'runs/:runId',
        ...routed(() => import('./pages/runs/run-page'), 'RunPage'),
        // Starts the run and its first series now; the page reads the same requests.
        loader: ({ params }) => {
          if (params.runId) prefetchRunPage(params.runId);
          return null;
        },
      },
      { path: 'compare', ...routed(() => import('./pages/compare/compare-page'), 'ComparePage') },
      { path: 'pipelines', ...routed(() => import('./pages/pipelines/pipelines-page'), 'PipelinesPage') },
      { path: 'data', ...routed(() => import('./pages/data/data-page'), 'DataPage') },
      { path: 'models', ...routed(() => import('./pages/models/models-page'), 'ModelsPage') },
      { path: 'models/:name', ...routed(() => import('./pages/models/model-page'), 'ModelPage') },
      { path: 'models/:name/versions/:version', ...routed(() => import('./pages/models/version-page'), 'VersionPage') },
      { path: 'deployments', ...routed(() => import('./pages/deployments/deployments-page'), 'DeploymentsPage') },
      { path: 'deployments/:name', ...routed(() => import('./pages/deployments/deployment-page'), 'DeploymentPage') },
      { path: 'monitoring', ...routed(() => import('./pages/monitoring/monitoring-page'), 'MonitoringPage') },
      { path: 'monitoring/:deployment', ...routed(() => import('./pages/monitoring/deployment-monitoring-page'), 'DeploymentMonitoringPage') },
      { path: '*', element: <p role="alert">No page here. Pick one from the menu above.</p> },
    ],
  },
];
