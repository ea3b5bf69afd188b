import { type Etcd3, type IKeyValue, type Lease, type Watcher } from 'etcd3';
import { type z } from 'zod';

export type KeyChange<T> = { kind: 'put'; key: string; value: T } | { kind: 'delete'; key: string };

/**
 * Typed JSON access to etcd: every value written or read is checked against its zod schema from
 * @lcm/contracts, so a malformed projection can never be published or silently consumed.
 */
export class EtcdJsonStore {
  constructor(private readonly client: Etcd3) {}

  async put<S extends z.ZodType>(key: string, schema: S, value: z.input<S>, lease?: Lease): Promise<void> {
    const json = JSON.stringify(schema.parse(value));
    await (lease ? lease.put(key).value(json) : this.client.put(key).value(json));
  }

  async get<S extends z.ZodType>(key: string, schema: S): Promise<z.output<S> | null> {
    const raw = await this.client.get(key).string();
    return raw === null ? null : schema.parse(JSON.parse(raw));
  }

  async delete(key: string): Promise<void> {
    await this.client.delete().key(key);
  }

  async deletePrefix(prefix: string): Promise<void> {
    await this.client.delete().prefix(prefix);
  }

  /** Values under a prefix that parse; a value that does not parse is reported, not thrown. */
  async list<S extends z.ZodType>(
    prefix: string,
    schema: S,
    onInvalid: (key: string, error: unknown) => void = () => undefined,
  ): Promise<Map<string, z.output<S>>> {
    const raw = await this.client.getAll().prefix(prefix).strings();
    const parsed = new Map<string, z.output<S>>();
    for (const [key, text] of Object.entries(raw)) {
      try {
        parsed.set(key, schema.parse(JSON.parse(text)));
      } catch (error) {
        onInvalid(key, error);
      }
    }
    return parsed;
  }

  /** Watches a prefix; values that fail the schema are passed to onInvalid instead of the handler. */
  async watchPrefix<S extends z.ZodType>(
    prefix: string,
    schema: S,
    onChange: (change: KeyChange<z.output<S>>) => void,
    onInvalid: (key: string, error: unknown) => void = () => undefined,
  ): Promise<Watcher> {
    const watcher = await this.client.watch().prefix(prefix).create();
    watcher.on('put', (kv: IKeyValue) => {
      const key = kv.key.toString();
      try {
        onChange({ kind: 'put', key, value: schema.parse(JSON.parse(kv.value.toString())) });
      } catch (error) {
        onInvalid(key, error);
      }
    });
    watcher.on('delete', (kv: IKeyValue) => onChange({ kind: 'delete', key: kv.key.toString() }));
    return watcher;
  }
}
