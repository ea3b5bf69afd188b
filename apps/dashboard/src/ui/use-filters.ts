import { type ChangeEvent, useState } from 'react';

type FilterValue = string | string[] | boolean | null;

/** The filter inputs of a list page: one state, setters (text inputs: `text(key)`), whether any is set, and clear. */
export function useFilters<T extends Record<string, FilterValue>>(initial: T) {
  const [values, setValues] = useState(initial);
  const set =
    <K extends keyof T>(key: K) =>
    (value: T[K]): void =>
      setValues((current) => ({ ...current, [key]: value }));
  const active = Object.keys(initial).some(
    (key) => JSON.stringify(values[key]) !== JSON.stringify(initial[key]),
  );
  /** Value and change handler of a text input bound to a text field. */
  const text = <K extends keyof T>(key: K) => ({
    value: values[key] as string,
    onChange: (event: ChangeEvent<HTMLInputElement>): void => set(key)(event.currentTarget.value as T[K]),
  });
  return { values, set, text, active, clear: () => setValues(initial) };
}

/** Text inputs filter by their trimmed value; blank means no filter. */
export const trimmed = (text: string): string | undefined => text.trim() || undefined;
