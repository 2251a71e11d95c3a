import { RISK_LEVELS } from '@agentspan/protocol';

/** `personal_identifiers` → `Personal identifiers`; a GDPR category drops its prefix, as its group names it. */
export function categoryLabel(name: string): string {
  const words = name.replace(/^gdpr_/, '').replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Levels as text and a mark, never colour alone. */
export const LEVEL_MARK: Record<string, string> = { low: '▁', medium: '▃', high: '▅', critical: '▇' };

export function LevelBadge({ level }: { level: string | null | undefined }) {
  if (!level) return <span class="level level-none">not assessed</span>;
  return (
    <span class={`level level-${level}`}>
      <span aria-hidden="true">{LEVEL_MARK[level]} </span>
      {level}
    </span>
  );
}

export const LEVELS = RISK_LEVELS;

/** A number as a reader wants it: no float noise (0.30000000000000004 → 0.3). */
export const num = (n: number) => String(Math.round(n * 1000) / 1000);
