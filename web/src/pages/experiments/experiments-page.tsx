/** Experiments (to be built). */
export function ExperimentsPage() {
  return <h1>Experiments</h1>;
}
