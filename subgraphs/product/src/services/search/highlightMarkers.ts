/**
 * Engines wrap matches in these control characters (never in catalogue text); the service
 * then HTML-escapes the snippet and turns them into <em></em>, so a product name with "<"
 * can never inject markup into a storefront.
 */
export const HIGHLIGHT_START = '\u0002';
export const HIGHLIGHT_END = '\u0003';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function renderHighlight(marked: string): string {
  return marked
    .replace(/[&<>"']/g, (c) => ESCAPES[c]!)
    .replaceAll(HIGHLIGHT_START, '<em>')
    .replaceAll(HIGHLIGHT_END, '</em>');
}

export function hasHighlight(marked: string): boolean {
  return marked.includes(HIGHLIGHT_START);
}
