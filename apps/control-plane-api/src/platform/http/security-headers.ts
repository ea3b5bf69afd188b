import fastifyHelmet from '@fastify/helmet';
import { type FastifyInstance } from 'fastify';
import { type AppConfig } from '../../config/env.schema';

/** Answers of these prefixes are API data (some carry session secrets): no cache may keep them. */
const API_PREFIXES = ['/api/v1/', '/api/internal/', '/api/auth/'];

/**
 * Security headers on every answer (helmet's defaults: nosniff, frame and referrer policies,
 * HSTS, cross-origin isolation), with a Content-Security-Policy the API docs page and the
 * dashboard work under: everything from this origin only, no inline scripts, inline styles
 * allowed (Swagger UI sets style attributes), frames only from the configured origins (the
 * dashboard embeds LDS and CML, spec §9). Requests are not upgraded to https: a local run is http.
 */
export async function installSecurityHeaders(fastify: FastifyInstance, config: AppConfig): Promise<void> {
  await fastify.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'connect-src': ["'self'"],
        'frame-src': ["'self'", ...config.CSP_FRAME_SOURCES],
        'upgrade-insecure-requests': null,
      },
    },
    // The dashboard embeds LDS and CML pages that do not opt in to cross-origin embedding.
    crossOriginEmbedderPolicy: false,
  });
  fastify.addHook('onSend', async (request, reply, payload) => {
    if (API_PREFIXES.some((prefix) => request.url.startsWith(prefix)) && !reply.hasHeader('cache-control'))
      void reply.header('cache-control', 'no-store');
    return payload;
  });
}
