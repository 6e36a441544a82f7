// The ceiling for the batching benchmark: Node's own HTTP server reading a POST body and
// answering a constant, with no framework, no parsing and no model. `paddock serve` answers V2
// infer requests on the same server (its inference lane goes past Fastify), so no server built
// on it answers faster under the same load. Prints its URL on stdout.
import { createServer } from 'node:http';

const ANSWER = JSON.stringify({ model_name: 'constant', outputs: [{ name: 'label', shape: [1], datatype: 'INT64', data: [0] }] });
const server = createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(ANSWER) });
    res.end(ANSWER);
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`http://127.0.0.1:${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
