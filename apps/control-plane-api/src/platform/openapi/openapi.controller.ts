import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import { type FastifyReply } from 'fastify';
import { allRoutes } from '@lcm/contracts';
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

@Controller('api/docs')
export class OpenApiController {
  private readonly document = buildOpenApiDocument(
    allRoutes(),
    process.env['npm_package_version'] ?? '0.1.0',
  );

  @Get('openapi.json')
  openapi(): unknown {
    return this.document;
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
