import { Body, Controller, Inject, Post } from '@nestjs/common';
import { z } from 'zod';
import { Role, toFieldErrors } from '@lcm/contracts';
import { invalidInput } from '../http/api-error';
import { type DevelopmentTokenVerifier } from './token-verifier';
import { TOKEN_VERIFIER } from './user-authenticator';

const DevTokenBody = z.object({ subject: z.string().min(1).max(200), roles: z.array(Role).min(1) }).strict();

/** Only mounted when AUTH_MODE=development: lets the dashboard and tests log in without an OIDC provider. */
@Controller('api/auth')
export class DevTokenController {
  constructor(@Inject(TOKEN_VERIFIER) private readonly verifier: DevelopmentTokenVerifier) {}

  @Post('dev-token')
  async issue(@Body() body: unknown): Promise<{ access_token: string; token_type: 'Bearer' }> {
    const parsed = DevTokenBody.safeParse(body);
    if (!parsed.success) throw invalidInput(toFieldErrors(parsed.error));
    return {
      access_token: await this.verifier.issue(parsed.data.subject, parsed.data.roles),
      token_type: 'Bearer',
    };
  }
}
