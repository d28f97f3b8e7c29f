// Makes an LA dashboard from live data (preview) and publishes it as a snapshot with an audit entry; shared by the site and `dslkit publish`.
import type { Db } from '../../storage/db';
import { loadDashboardFacts, loadFrozenWaves, saveFrozenWave, savePublishedDashboard, findLocalAuthority } from '../../storage/dashboard-repo';
import { appendAudit } from '../../storage/audit-repo';
import { buildDashboard } from '../../domain/dashboards/build-dashboard';
import { withChartSvgs } from '../../views/dashboards/render-dashboard';
import type { DashboardModel } from '../../domain/dashboards/types';
import { NotFoundError, ValidationError } from '../../../shared/errors';

export const LA_CODE_PATTERN = /^[A-Za-z0-9]{1,10}$/;

/** Checks the shape of an LA code from a URL or option (a bad one is simply "not found"). */
export function checkLaCode(db: Db, code: string): void {
  if (!LA_CODE_PATTERN.test(code) || !findLocalAuthority(db, code)) throw new NotFoundError(`There is no local authority with code ${code.slice(0, 20)}.`);
}

/**
 * The dashboard as it would be published now: disclosure-controlled, charts drawn. The figures of a closed wave
 * are frozen the first time any page (preview or publication) shows them, in the same transaction that read the
 * data, so the preview and every later publication show exactly the same figures for it (audited).
 */
export async function makeDashboard(db: Db, laCode: string, now: Date, actor = 'system:dashboard'): Promise<DashboardModel> {
  checkLaCode(db, laCode);
  const at = now.toISOString();
  const built = db.transaction(() => {
    const b = buildDashboard(loadDashboardFacts(db, laCode, at), loadFrozenWaves(db, laCode));
    for (const f of b.newlyFrozen) {
      if (saveFrozenWave(db, laCode, f)) appendAudit(db, { at, actor, action: 'dashboard.freeze-wave', trialId: f.studyId, detail: { laCode, wave: f.wave } });
    }
    return b;
  }).immediate();
  return withChartSvgs(built.model);
}

/** Publishes a fresh snapshot of the LA's dashboard; the public page shows it from now on. Audited. */
export async function publishDashboard(db: Db, laCode: string, actor: string, now: Date): Promise<{ id: number; model: DashboardModel; publishedAt: string }> {
  if (!actor) throw new ValidationError('Publishing needs to know who is publishing.');
  const model = await makeDashboard(db, laCode, now, actor);
  const publishedAt = now.toISOString();
  const id = db.transaction(() => {
    const snapshotId = savePublishedDashboard(db, { laCode, publishedAt, publishedBy: actor, model });
    appendAudit(db, { at: publishedAt, actor, action: 'dashboard.publish', detail: { laCode, snapshotId, studies: model.studies.length } });
    return snapshotId;
  })();
  return { id, model, publishedAt };
}
