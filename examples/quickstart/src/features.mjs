// Shared by train and evaluate: the feature vector of one flight and the sigmoid.
export const FEATURES = ['bias', 'distance_k', 'hour_sin', 'hour_cos', 'weekend', 'evening'];

export function featureVector(row) {
  const hour = Number(row.hour);
  const angle = (2 * Math.PI * hour) / 24;
  return [1, Number(row.distance) / 1000, Math.sin(angle), Math.cos(angle), Number(row.weekday) % 6 === 0 ? 1 : 0, hour >= 17 ? 1 : 0];
}

export function sigmoid(z) {
  return 1 / (1 + Math.exp(-z));
}

export function predict(weights, x) {
  let z = 0;
  for (let i = 0; i < weights.length; i++) z += weights[i] * x[i];
  return sigmoid(z);
}
