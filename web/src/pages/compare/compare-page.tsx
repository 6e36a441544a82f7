/** Compare runs (to be built). */
export function ComparePage() {
  return <h1>Compare runs</h1>;
}
