// Text and attribute values in HTML are data: label values, server names and notes may hold
// markup, quotes or ampersands, and none of it may become part of the page.
import { safeText } from '../../safe-text.js';

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Safe in element content and in quoted attribute values alike; control characters shown. */
export function escapeHtml(text: string): string {
  return safeText(text).replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}
