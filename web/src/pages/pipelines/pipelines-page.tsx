/** Pipelines (to be built). */
export function PipelinesPage() {
  return <h1>Pipelines</h1>;
}
