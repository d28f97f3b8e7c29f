// `dslkit publish`: publishes LA dashboards (a new audited snapshot, as the site's Publish button does) and writes them as static HTML for an LA's own website.
import fs from 'node:fs';
import path from 'node:path';
import { flag, requiredString, stringOption, UsageError, type CliCommand } from '../command';
import { publishDashboard, checkLaCode } from '../../http/dashboards/dashboard-service';
import { latestPublishedDashboard, listLocalAuthoritiesTakingPart } from '../../storage/dashboard-repo';
import { dashboardIndexPage, dashboardPage } from '../../views/dashboards/render-dashboard';
import { copyStaticAssets } from '../../views/assets';
import type { DashboardModel } from '../../domain/dashboards/types';
import { ValidationError } from '../../../shared/errors';

export const command: CliCommand = {
  name: 'publish',
  summary: 'publish LA dashboards and write them as static HTML files (no JavaScript)',
  usage: 'publish (--la <code> | --all) --out <dir> [--snapshot] [--db <path>]',
  description: `
Makes a fresh disclosure-controlled snapshot of each dashboard (the public page /dashboards/<code> shows it
from then on; recorded in the audit log) and writes it to <dir> with the GOV.UK stylesheet and fonts:
  --la 350 --out site/      site/index.html, site/govuk/...
  --all --out site/         site/index.html (list), site/<code>/index.html for every LA taking part, site/govuk/...
With --snapshot nothing new is published: the last published snapshot of each LA is written as it is.
The pages need no JavaScript; charts are inline SVG with text alternatives.`,
  options: [
    { name: 'la', type: 'string', valueName: '<code>', description: 'the local authority code (e.g. 350)' },
    { name: 'all', type: 'boolean', description: 'every local authority with schools taking part' },
    { name: 'out', type: 'string', valueName: '<dir>', description: 'folder to write the pages to (created if needed)' },
    { name: 'snapshot', type: 'boolean', description: 'write the last published snapshot instead of publishing a new one' },
  ],
  usesDb: true,
  async run(ctx) {
    const out = path.resolve(requiredString(ctx, 'out'));
    const la = stringOption(ctx, 'la');
    const all = flag(ctx, 'all');
    if (Boolean(la) === all) throw new UsageError('give either --la <code> or --all');
    const db = ctx.openDb();
    const codes = all ? listLocalAuthoritiesTakingPart(db).map((x) => x.code) : [la!];
    if (!codes.length) throw new ValidationError('No local authority has schools taking part yet, so there is nothing to publish.');
    for (const code of codes) checkLaCode(db, code);

    const pages: Array<{ code: string; model: DashboardModel; publishedAt: string }> = [];
    for (const code of codes) {
      if (flag(ctx, 'snapshot')) {
        const snap = latestPublishedDashboard(db, code);
        if (!snap) throw new ValidationError(`The dashboard for ${code} has never been published; run without --snapshot to publish it.`);
        pages.push({ code, model: snap.model, publishedAt: snap.publishedAt });
      } else {
        const p = await publishDashboard(db, code, ctx.actor, ctx.clock());
        pages.push({ code, model: p.model, publishedAt: p.publishedAt });
      }
    }

    fs.mkdirSync(out, { recursive: true });
    copyStaticAssets(path.join(out, 'govuk'));
    if (all) {
      for (const p of pages) {
        fs.mkdirSync(path.join(out, p.code), { recursive: true });
        fs.writeFileSync(path.join(out, p.code, 'index.html'), dashboardPage(p.model, { publishedAt: p.publishedAt, layout: { assetBase: '../govuk', homeHref: '../index.html' } }));
      }
      fs.writeFileSync(path.join(out, 'index.html'), dashboardIndexPage(pages.map((p) => ({ name: p.model.laName, href: `${p.code}/index.html`, publishedAt: p.publishedAt })), { assetBase: 'govuk', homeHref: 'index.html' }));
    } else {
      const p = pages[0];
      fs.writeFileSync(path.join(out, 'index.html'), dashboardPage(p.model, { publishedAt: p.publishedAt, layout: { assetBase: 'govuk', homeHref: 'index.html' } }));
    }
    for (const p of pages) ctx.io.stdout(`${p.code} ${p.model.laName}: ${all ? `${p.code}/index.html` : 'index.html'} (${flag(ctx, 'snapshot') ? 'snapshot of' : 'published'} ${p.publishedAt})\n`);
    ctx.io.stdout(`Wrote ${pages.length} dashboard${pages.length === 1 ? '' : 's'} to ${out}\n`);
    return 0;
  },
};
