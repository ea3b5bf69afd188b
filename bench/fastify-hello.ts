// The raw ceiling of the HTTP stack on this machine: Fastify answering a constant JSON body.
import Fastify from 'fastify';

const app = Fastify();
app.get('/hello', async () => ({ hello: 'world' }));
void app
  .listen({ host: '127.0.0.1', port: Number(process.env['PORT'] ?? 0) })
  .then((address) => console.log(`listening ${address}`));
