// The Markdown renderer of the evaluator's report sections: the everyday subset renders as CommonMark would, and hostile input (script tags, javascript:/data: links, HTML entities, attribute breakouts) stays text, also for arbitrary strings (fast-check).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isAllowedUrl, renderMarkdown } from '../../reports/markdown/render-markdown';

const ALLOWED_TAGS = new Set(['p', 'br', 'strong', 'em', 'code', 'pre', 'a', 'ul', 'ol', 'li', 'blockquote', 'hr', 'h3', 'h4', 'h5', 'h6']);

/** Every tag the HTML opens or closes, and every attribute written. */
function tagsOf(html: string): Array<{ name: string; attrs: string }> {
  return [...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/g)].map((m) => ({ name: m[1].toLowerCase(), attrs: m[2] }));
}

function assertSafe(html: string): void {
  for (const t of tagsOf(html)) {
    expect(ALLOWED_TAGS.has(t.name), `tag <${t.name}> in ${html}`).toBe(true);
    const attrs = [...t.attrs.matchAll(/\s([a-zA-Z-]+)="([^"]*)"/g)];
    // Nothing but the attributes this renderer writes, and only whole, quoted values.
    expect(t.attrs.replace(/\s(href|start)="[^"]*"/g, '').trim(), `attributes of <${t.name}> in ${html}`).toBe('');
    for (const [, name, value] of attrs) {
      if (name === 'href') expect(/^(https?:\/\/|mailto:)/i.test(value), `href ${value}`).toBe(true);
      if (name === 'start') expect(/^\d+$/.test(value)).toBe(true);
    }
  }
}

describe('Markdown subset', () => {
  it('renders paragraphs, emphasis, code, headings, lists, quotes and rules', () => {
    expect(renderMarkdown('Hello **bold**, *em*, _em_ and snake_case_name and `a <b>`.')).toBe('<p>Hello <strong>bold</strong>, <em>em</em>, <em>em</em> and snake_case_name and <code>a &lt;b&gt;</code>.</p>');
    expect(renderMarkdown('# Top\n## Next', { headingBase: 3 })).toBe('<h3>Top</h3>\n<h4>Next</h4>');
    expect(renderMarkdown('#### Deep', { headingBase: 4 })).toBe('<h6>Deep</h6>'); // never beyond h6
    expect(renderMarkdown('- a\n- b\n  - b1\n- c')).toBe('<ul>\n<li>a</li>\n<li>b\n<ul>\n<li>b1</li>\n</ul></li>\n<li>c</li>\n</ul>');
    expect(renderMarkdown('3. three\n4. four')).toBe('<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>');
    expect(renderMarkdown('1. one\n\n2. two')).toBe('<ol>\n<li><p>one</p></li>\n<li><p>two</p></li>\n</ol>');
    expect(renderMarkdown('Line one  \nline two\\\nthree\nfour')).toBe('<p>Line one<br>\nline two<br>\nthree\nfour</p>');
    expect(renderMarkdown('> quoted\n\n---\n\n```\nx < y\n```')).toBe('<blockquote>\n<p>quoted</p>\n</blockquote>\n<hr>\n<pre><code>x &lt; y</code></pre>');
    expect(renderMarkdown('Para\n- starts a list')).toBe('<p>Para</p>\n<ul>\n<li>starts a list</li>\n</ul>');
    expect(renderMarkdown('2 * 3 * 4 and \\*not em\\*')).toBe('<p>2 * 3 * 4 and *not em*</p>');
  });

  it('links only to https, http and mailto', () => {
    expect(renderMarkdown('[EEF](https://educationendowmentfoundation.org.uk/a_(b)) and <https://x.org/y> and [us](mailto:eval@example.org)'))
      .toBe('<p><a href="https://educationendowmentfoundation.org.uk/a_(b)">EEF</a> and <a href="https://x.org/y">https://x.org/y</a> and <a href="mailto:eval@example.org">us</a></p>');
    for (const url of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', ' javascript:alert(1)', 'vbscript:x', 'data:text/html;base64,PHNjcmlwdD4=', 'file:///etc/passwd', '//evil.example/x', '&#106;avascript:alert(1)', 'java\tscript:x']) {
      const rejected: string[] = [];
      const html = renderMarkdown(`[click](${url}) <${url.trim()}>`, { onRejectedLink: (u) => rejected.push(u) });
      expect(html, url).not.toContain('<a ');
      expect(html.toLowerCase()).not.toMatch(/href|<script/);
      assertSafe(html);
      if (!/^\s|\t|^&|^\/\//.test(url)) expect(rejected.length, url).toBeGreaterThan(0);
    }
    expect(isAllowedUrl('https://')).toBe(false);
    expect(isAllowedUrl('mailto:')).toBe(false);
  });
});

describe('hostile input stays text', () => {
  it('script tags, event handlers and entities print as typed', () => {
    const html = renderMarkdown('<script>alert("x")</script> <img src=x onerror=alert(1)> &lt;script&gt; &amp; &#60;b&#62; <b>bold?</b>');
    expect(html).toBe('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt; &amp;lt;script&amp;gt; &amp;amp; &amp;#60;b&amp;#62; &lt;b&gt;bold?&lt;/b&gt;</p>');
    assertSafe(html);
  });

  it('a URL cannot break out of its attribute, and a label cannot smuggle markup', () => {
    const html = renderMarkdown('[x](https://a.example/"onmouseover="alert(1)) [<script>](https://a.example/) [![i](https://t.example/p.png)](https://a.example/)');
    expect(html).toContain('<a href="https://a.example/&quot;onmouseover=&quot;alert(1)">x</a>');
    expect(html).toContain('<a href="https://a.example/">&lt;script&gt;</a>');
    expect(html).not.toMatch(/<img|<script/);
    assertSafe(html);
  });

  it('any string renders to the fixed tag set, with every href http(s) or mailto (property)', () => {
    const pieces = fc.constantFrom('<script>', '</script>', '<a href="javascript:x">', '"', "'", '&', '&amp;', '&#106;', 'javascript:', 'data:', '[', ']', '(', ')',
      '<', '>', '*', '_', '`', '\\', '\n', '\n\n', '# ', '- ', '1. ', '> ', 'https://x.example/', 'mailto:a@b', ' ', 'text', 'onerror=', '\u0000', '\u202e');
    fc.assert(fc.property(fc.array(fc.oneof(pieces, fc.string({ maxLength: 6 })), { maxLength: 40 }), (parts) => {
      const html = renderMarkdown(parts.join(''));
      assertSafe(html);
      expect(html).not.toMatch(/<script|javascript:[^<]*"/i);
    }), { numRuns: 400 });
  });
});
