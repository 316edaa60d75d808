// Vite plugin: every built page (index.html, embed.html, textbook-demo.html) gets a
// Content-Security-Policy meta tag (issue 6) at least as strict as
//   default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'
// 'wasm-unsafe-eval' compiles the engine (the glue needs no eval: -sDYNAMIC_EXECUTION=0).
// An inline <script> or <style> that a page keeps (the textbook demo's own) is allowed by
// its sha256 hash only, computed here from the final HTML, so nothing else inline runs.
// Styles set through the CSSOM (uPlot's el.style.width = …) are not governed by style-src.
// Build only: the dev server injects CSS as <style> elements and would be refused.
import { createHash } from 'node:crypto';
import type { Plugin } from 'vite';

export const BASE_POLICY = {
  'default-src': ["'self'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  'style-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
};

function hashes(html: string, tag: 'script' | 'style'): string[] {
  const out: string[] = [];
  const re = new RegExp(`<${tag}(\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, 'gi');
  for (const m of html.matchAll(re)) {
    const attrs = m[1] ?? '';
    if (tag === 'script' && /\bsrc\s*=/i.test(attrs)) continue; // external: covered by 'self'
    if (!m[2]) continue;
    out.push(`'sha256-${createHash('sha256').update(m[2], 'utf8').digest('base64')}'`);
  }
  return out;
}

/** The policy for one page: the base plus the hashes of its inline scripts and styles. */
export function policyFor(html: string): string {
  const p: Record<string, string[]> = structuredClone(BASE_POLICY);
  p['script-src']!.push(...hashes(html, 'script'));
  p['style-src']!.push(...hashes(html, 'style'));
  return Object.entries(p)
    .map(([k, v]) => `${k} ${v.join(' ')}`)
    .join('; ');
}

export function contentSecurityPolicy(): Plugin {
  return {
    name: 'firstnet-csp',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html) {
        if (/http-equiv=["']Content-Security-Policy/i.test(html)) return html;
        const meta = `<meta http-equiv="Content-Security-Policy" content="${policyFor(html)}" />`;
        // Right after <meta charset>: before any element that loads something.
        return html.replace(/(<meta charset[^>]*>)/i, `$1\n    ${meta}`);
      },
    },
  };
}
