/** Model version (to be built). */
export function VersionPage() {
  return <h1>Model version</h1>;
}
