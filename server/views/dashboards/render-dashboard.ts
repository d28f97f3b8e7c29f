// Renders LA dashboards to HTML (site preview, public snapshot, static copy): SVG charts drawn once when a snapshot is made.
import path from 'node:path';
import { renderChartSvg } from '../../../reports/charts/render-svg';
import { registerPartial, renderPage, viewsDir, type LayoutModel } from '../render';
import type { DashboardModel } from '../../domain/dashboards/types';

let partialRegistered = false;
function ensurePartial(): void {
  if (partialRegistered) return;
  registerPartial('la-dashboard-table', path.join(viewsDir, 'dashboards', 'table.hbs'));
  partialRegistered = true;
}

/** Draws every chart of the model as inline SVG (from its already-protected rows). Returns a new model. */
export async function withChartSvgs(model: DashboardModel): Promise<DashboardModel> {
  const studies = [];
  for (const s of model.studies) {
    const blocks = [];
    for (const b of s.blocks) {
      if (b.type !== 'chart') { blocks.push(b); continue; }
      blocks.push({ ...b, chart: { ...b.chart, svg: await renderChartSvg(b.chart.spec, b.chart.rows, { id: b.chart.id }) } });
    }
    studies.push({ ...s, blocks });
  }
  return { ...model, studies };
}

export const PUBLIC_SERVICE_NAME = 'DSL supervision dashboards';

import { dateText } from '../format';
export { dateText };

export interface DashboardPageOptions {
  /** Layout settings: assetBase, user/nav/csrf for the staff preview. */
  layout?: Partial<LayoutModel>;
  publishedAt?: string | null;
  preview?: { publicPath: string; publishAction: string; lastPublishedAt: string | null; canPublish?: boolean } | null;
}

/** The full HTML page of a dashboard. Public and static pages carry no JavaScript. */
export function dashboardPage(model: DashboardModel, options: DashboardPageOptions = {}): string {
  ensurePartial();
  const preview = options.preview ? { ...options.preview, lastPublishedText: options.preview.lastPublishedAt ? dateText(options.preview.lastPublishedAt) : null } : null;
  return renderPage('dashboards/dashboard', {
    title: `${model.laName}: supervision for designated safeguarding leads`,
    serviceName: PUBLIC_SERVICE_NAME,
    homeHref: '/dashboards',
    phase: model.isDemo ? 'DEMO' : 'BETA',
    scripts: false,
    indexable: !preview,
    csrfToken: null,
    ...options.layout,
    model,
    preview,
    publishedText: options.publishedAt ? dateText(options.publishedAt) : null,
  });
}

/** The public index of published dashboards. */
export function dashboardIndexPage(list: Array<{ name: string; href: string; publishedAt: string }>, layout: Partial<LayoutModel> = {}): string {
  return renderPage('dashboards/index', {
    title: 'Local authority dashboards', serviceName: PUBLIC_SERVICE_NAME, homeHref: '/dashboards', scripts: false, indexable: true, ...layout,
    dashboards: list.map((d) => ({ name: d.name, href: d.href, publishedText: dateText(d.publishedAt) })),
  });
}
