import { useState } from 'preact/hooks';

function Value({ value, name, depth }: { value: unknown; name?: string; depth: number }) {
  const label = name === undefined ? null : <span class="json-key">{JSON.stringify(name)}: </span>;
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value)
      ? (value as unknown[]).map((v, i) => [String(i), v] as const)
      : Object.entries(value as Record<string, unknown>);
    const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
    if (entries.length === 0)
      return (
        <div class="json-line">
          {label}
          {open}
          {close}
        </div>
      );
    return (
      <details class="json-node" open={depth < 2}>
        <summary>
          {label}
          {open}
          <span class="json-count">
            {' '}
            {entries.length} {Array.isArray(value) ? (entries.length === 1 ? 'item' : 'items') : entries.length === 1 ? 'key' : 'keys'}{' '}
          </span>
        </summary>
        <div class="json-children">
          {entries.map(([key, child]) => (
            <Value key={key} value={child} {...(Array.isArray(value) ? {} : { name: key })} depth={depth + 1} />
          ))}
        </div>
        <div class="json-line">{close}</div>
      </details>
    );
  }
  return (
    <div class="json-line">
      {label}
      <span class={`json-${value === null ? 'null' : typeof value}`}>{JSON.stringify(value)}</span>
    </div>
  );
}

/** A JSON document as a collapsible tree, with a button that copies it as text. */
export function JsonView({ value, title }: { value: unknown; title: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(JSON.stringify(value, null, 2));
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  return (
    <section class="json-view" aria-label={title}>
      <header>
        <h3>{title}</h3>
        <button type="button" onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </header>
      {value === null || value === undefined ? <p class="muted">none</p> : <Value value={value} depth={0} />}
    </section>
  );
}
