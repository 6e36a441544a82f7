/**
 * MLflow clients upload through the server when a run's artifact URI is `mlflow-artifacts:/…`
 * (MLflow's `--serve-artifacts` mode), so URIs under the server's artifact root are shown to
 * them in that form and mapped back when they send one.
 */
export interface ArtifactUris {
  toClient(uri: string): string;
  fromClient(uri: string): string;
}

const SCHEME = 'mlflow-artifacts:';

/** The mapping for an artifact root such as `/srv/artifacts` or `s3://bucket/prefix`. */
export function artifactUris(root: string): ArtifactUris {
  const base = root.replace(/\/+$/, '');
  return {
    toClient(uri) {
      if (uri === base) return `${SCHEME}/`;
      return uri.startsWith(`${base}/`) ? `${SCHEME}/${uri.slice(base.length + 1)}` : uri;
    },
    fromClient(uri) {
      if (!uri.startsWith(SCHEME)) return uri;
      // mlflow-artifacts:/path, mlflow-artifacts:///path or mlflow-artifacts://host/path
      const rest = uri.slice(SCHEME.length).replace(/^\/\/[^/]*/, '').replace(/^\/+/, '');
      return rest ? `${base}/${rest}` : base;
    },
  };
}

/** The key of an artifact URI relative to the root, or undefined when it is not under it. */
export function keyUnderRoot(root: string, uri: string): string | undefined {
  const base = root.replace(/\/+$/, '');
  if (uri === base) return '';
  return uri.startsWith(`${base}/`) ? uri.slice(base.length + 1) : undefined;
}
