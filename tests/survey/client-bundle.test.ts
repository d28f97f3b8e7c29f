// The built respondent page: under 450 kB of gzipped JavaScript, no charting code, no inline scripts, English (UK) with a title.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { clientDistDir, ensureClientBuilt } from '../helpers/build-client';
import { benchClientSize, builtAssetBytes } from '../../bench/client-size';

beforeAll(() => { ensureClientBuilt(); });

describe('the built respondent client', () => {
  it('ships under 450 kB of gzipped JavaScript (issue 3 speed target)', async () => {
    const figures = await benchClientSize();
    const js = figures.find((f) => f.label.startsWith('respondent page JavaScript, gzipped'))!;
    expect(js.kb).toBeGreaterThan(50); // React + SurveyJS cannot be smaller; guards against measuring nothing
    expect(js.kb).toBeLessThan(450);
  });

  it('contains no charting code and production React only', () => {
    const { files } = builtAssetBytes('.js');
    for (const f of files) {
      const text = fs.readFileSync(path.join(clientDistDir, 'assets', f), 'utf8');
      expect(text).not.toMatch(/vega-lite|vega-embed|\$schema":"https:\/\/vega/);
      // a warning that exists only in react-dom's development build (vitest runs with NODE_ENV=test)
      expect(text).not.toContain('You passed a JSX element to createRoot');
    }
  });

  it('has no inline script, declares en-GB and has a title', () => {
    const html = fs.readFileSync(path.join(clientDistDir, 'index.html'), 'utf8');
    expect(html).toContain('<html lang="en-GB">');
    expect(html).toMatch(/<title>[^<]+<\/title>/);
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/src="\/assets\/[^"]+\.js"/);
      expect(body.trim()).toBe('');
    }
  });
});
