import { join } from 'node:path';
import { OpenApiResponseValidator } from './openapi-validator';

/** Contract files shared with the rest of the project (../shared/data relative to the repository). */
export const SHARED_DATA_DIR = process.env['LCM_SHARED_DATA_DIR'] ?? join(__dirname, '../../../../../shared/data');

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON when the body is JSON, else the raw text. */
  body: unknown;
}

/** Plain fetch returning status, headers and the body both raw and (when possible) parsed. */
export async function http(url: string, init: RequestInit = {}): Promise<HttpResult> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown = text === '' ? undefined : text;
  if (/json/.test(response.headers.get('content-type') ?? '') && text !== '') body = JSON.parse(text);
  return { status: response.status, headers: response.headers, text, body };
}

let cml: OpenApiResponseValidator | undefined;
let grading: OpenApiResponseValidator | undefined;
export const cmlContract = () => (cml ??= OpenApiResponseValidator.fromFile(join(SHARED_DATA_DIR, 'cml_v2.9_openapi.json'), 'cml'));
export const gradingContract = () => (grading ??= OpenApiResponseValidator.fromFile(join(SHARED_DATA_DIR, 'grading-engine_openapi.json'), 'grading'));
