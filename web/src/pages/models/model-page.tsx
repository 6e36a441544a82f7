/** Model (to be built). */
export function ModelPage() {
  return <h1>Model</h1>;
}
