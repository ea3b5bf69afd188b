import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Header, Inject, NotFoundException, Param, Req, Res } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { apiContract, INTERNAL_API_KEY_HEADER } from '@lcm/contracts';
import { type AppConfig } from '../../config/env.schema';
import { APP_CONFIG } from '../app-config.token';
import { matchesApiKey } from '../auth/api-key';
import { ApiError } from '../http/api-error';
import { buildOpenApiDocument } from './openapi-document';

const swaggerUiDir = join(require.resolve('swagger-ui-dist/package.json'), '..');
const SWAGGER_ASSETS = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js']);
/** A file, not an inline script: the Content-Security-Policy allows scripts from this origin only. */
const INIT_SCRIPT = "SwaggerUIBundle({ url: '/api/docs/openapi.json', dom_id: '#ui' });\n";

const DOCS_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>LCM API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/assets/swagger-init.js"></script>
</body></html>`;

const VERSION = process.env['npm_package_version'] ?? '0.1.0';

/**
 * Two documents: the public API (dashboard, booking systems) for everybody, the controllers'
 * internal API only to holders of an internal API key, so outside clients never see it.
 */
@Controller('api/docs')
export class OpenApiController {
  private readonly publicDocument = buildOpenApiDocument(
    apiContract.public,
    'Lablet Cloud Manager control-plane API',
    VERSION,
  );
  private readonly internalDocument = buildOpenApiDocument(
    apiContract.internal,
    'Lablet Cloud Manager control-plane internal API (controllers)',
    VERSION,
  );

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Get('openapi.json')
  openapi(): unknown {
    return this.publicDocument;
  }

  @Get('internal/openapi.json')
  internalOpenapi(@Req() request: FastifyRequest): unknown {
    const key = request.headers[INTERNAL_API_KEY_HEADER];
    if (!matchesApiKey(typeof key === 'string' ? key : undefined, this.config.INTERNAL_API_KEYS))
      throw new ApiError('UNAUTHORIZED', `a valid ${INTERNAL_API_KEY_HEADER} header is required`);
    return this.internalDocument;
  }

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  page(): string {
    return DOCS_PAGE;
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res({ passthrough: true }) reply: FastifyReply): string {
    if (file !== 'swagger-init.js' && !SWAGGER_ASSETS.has(file))
      throw new NotFoundException(`no asset ${file}`);
    void reply.type(file.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8');
    return file === 'swagger-init.js' ? INIT_SCRIPT : readFileSync(join(swaggerUiDir, file), 'utf8');
  }
}
