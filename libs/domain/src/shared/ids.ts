import { randomUUID } from 'node:crypto';

/** Every document's `id` is a UUID (spec §3.1); child entities and lab runs get theirs from here. */
export function newId(): string {
  return randomUUID();
}
