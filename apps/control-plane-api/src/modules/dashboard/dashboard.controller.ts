import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { ApiError, notFound } from '../../platform/http/api-error';
import { DashboardFiles, type DashboardFile } from './dashboard-files';

/** Paths the API and probes own: an unknown one there is a 404 problem, never the dashboard page. */
const SERVER_ROOTS = ['/api', '/health'];
const ownedByServer = (path: string): boolean =>
  SERVER_ROOTS.some((root) => path === root || path.startsWith(`${root}/`));
const FILE_EXTENSION = /\.[a-z0-9]+$/i;

/**
 * The operator dashboard (spec §2, §9) at `/`: built files as they are, and index.html for any
 * other page path so the single-page app's router can open deep links.
 */
@Controller()
export class DashboardController {
  constructor(@Inject(DashboardFiles) private readonly files: DashboardFiles) {}

  @Get()
  root(@Res() reply: FastifyReply): Promise<void> {
    return this.sendIndex(reply);
  }

  @Get('*')
  async page(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const path = request.url.split('?')[0] ?? '/';
    if (ownedByServer(path))
      throw new ApiError('NOT_FOUND', `no route ${request.method} ${path}`);
    const file = await this.files.file(path);
    if (file) return this.send(reply, file);
    // A missing bundle must fail loudly; only page paths fall back to the app.
    if (FILE_EXTENSION.test(path)) throw notFound('file', path);
    return this.sendIndex(reply);
  }

  private async sendIndex(reply: FastifyReply): Promise<void> {
    const index = await this.files.indexPage();
    if (!index)
      throw new ApiError(
        'NOT_FOUND',
        `the dashboard is not built in ${this.files.root}; run: pnpm exec nx run dashboard:build`,
      );
    this.send(reply, index);
  }

  private send(reply: FastifyReply, file: DashboardFile): void {
    void reply
      .header('content-type', file.contentType)
      .header('cache-control', file.cacheControl)
      .header('x-content-type-options', 'nosniff')
      .send(file.body);
  }
}
