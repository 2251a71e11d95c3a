import { useEffect, useState } from 'preact/hooks';

// The environment every page scopes its reads to (null: all of them), shared by the pages and the
// header's selector; a change re-renders each page that reads it.
let current: string | null = null;
const listeners = new Set<() => void>();

export function setEnvironmentId(id: string | null): void {
  if (id === current) return;
  current = id;
  for (const listener of listeners) listener();
}

export function useEnvironmentId(): string | null {
  const [, setTick] = useState(0);
  useEffect(() => {
    const update = () => setTick((t) => t + 1);
    listeners.add(update);
    return () => {
      listeners.delete(update);
    };
  }, []);
  return current;
}
