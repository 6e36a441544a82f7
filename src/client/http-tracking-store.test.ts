import { trackingStoreContract } from '../storage/contracts/tracking-store.contract.js';
import { startTestServer } from '../http/test-server.js';
import { HttpTrackingStore } from './http-tracking-store.js';

// The same contract the SQL stores pass, through MLflow's REST API of a real Paddock server.
// The server shows its artifact root to clients as `mlflow-artifacts:` (MLflow's proxy form).
trackingStoreContract('HTTP (MLflow REST API of a Paddock server over SQLite)', async () => {
  const server = await startTestServer();
  const store = new HttpTrackingStore({ baseUrl: server.url });
  return { store, artifactsRoot: 'mlflow-artifacts:', close: () => server.close() };
});
