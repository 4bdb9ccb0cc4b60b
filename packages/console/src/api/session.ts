/** The API key of this tab: kept in sessionStorage, so it dies with the tab and never enters a URL. */
const KEY = 'dbplane.apiKey';
const listeners = new Set<() => void>();

export function readKey(): string | null {
  return sessionStorage.getItem(KEY);
}

export function saveKey(key: string): void {
  sessionStorage.setItem(KEY, key);
  for (const l of listeners) l();
}

export function forgetKey(): void {
  sessionStorage.removeItem(KEY);
  for (const l of listeners) l();
}

/** For useSyncExternalStore. */
export function onKeyChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
