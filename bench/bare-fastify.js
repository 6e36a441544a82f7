// The reference for the serving benchmark: a bare Fastify JSON POST route answering a constant,
// in its own process like `paddock serve`. Prints its URL on stdout.
import Fastify from 'fastify';

const app = Fastify();
app.post('/infer', async () => ({ model_name: 'constant', outputs: [{ name: 'label', shape: [1], datatype: 'INT64', data: [0] }] }));
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${url}\n`);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
