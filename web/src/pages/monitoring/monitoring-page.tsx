/** Monitoring (to be built). */
export function MonitoringPage() {
  return <h1>Monitoring</h1>;
}
