/** Deployment monitoring (to be built). */
export function DeploymentMonitoringPage() {
  return <h1>Deployment monitoring</h1>;
}
