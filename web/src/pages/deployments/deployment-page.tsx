/** Deployment (to be built). */
export function DeploymentPage() {
  return <h1>Deployment</h1>;
}
