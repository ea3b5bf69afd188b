import { SSE_STREAM_PATH } from '@lcm/contracts';
import { type Kind } from './kinds';
import { type OutputFormat, render, type Row, table } from './output';
import { readEvents } from './sse';

export interface WatchOptions {
  server: string;
  token: string | undefined;
  kind: Kind;
  format: OutputFormat;
  write: (text: string) => void;
  signal?: AbortSignal;
}

/**
 * Follows the control plane's SSE stream and prints every change of `kind` as it happens: a row
 * (table) or the changed document (json/yaml), like `kubectl get -w`. Returns when the stream
 * ends or `signal` aborts; the server's shutdown event ends it too.
 */
export async function watch(options: WatchOptions): Promise<void> {
  const response = await fetch(`${options.server.replace(/\/$/, '')}${SSE_STREAM_PATH}`, {
    headers: {
      accept: 'text/event-stream',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    signal: options.signal,
  });
  if (!response.ok || !response.body) throw new Error(`the event stream answered ${response.status}`);
  try {
    for await (const event of readEvents(response.body)) {
      if (event.event === 'system.sse.shutdown') return;
      if (!event.event.startsWith(options.kind.eventPrefix) || event.event.endsWith('.snapshot')) continue;
      const changed = (event.data as Record<string, unknown> | null)?.[options.kind.payloadKey] as
        Row | undefined;
      if (!changed) continue;
      options.write(
        options.format === 'table'
          ? table(options.kind.columns, [changed], false)
          : render(options.format, options.kind.columns, [changed]),
      );
    }
  } catch (error) {
    if (options.signal?.aborted) return;
    throw error;
  }
}
