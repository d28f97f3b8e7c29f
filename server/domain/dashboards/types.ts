// Shapes of an LA dashboard: the raw facts read from the database (input) and the disclosure-controlled view-model (output, the published snapshot).
import type { TopLevelSpec } from 'vega-lite';

/** A group of schools on the dashboard: a trial arm, or every setting of a programme. */
export type GroupLabel = 'Intervention' | 'Control' | 'Not yet allocated' | 'All settings';

export interface StudyFacts {
  id: string;
  title: string;
  kind: 'trial' | 'programme';
  isDemo: boolean;
  /** Enrolled schools of this LA in the study. */
  schools: Array<{ urn: number; group: GroupLabel; phase: string | null; pupils: number | null }>;
  /** Active DSLs of those schools. */
  dsls: Array<{ id: string; urn: number }>;
  /** The study's survey waves and when each closes (ISO). */
  waves: Array<{ name: string; closesAt: string }>;
  /** Survey invitations of those DSLs, by wave, and whether the response is complete. */
  invitations: Array<{ wave: string; dslId: string; complete: boolean }>;
  /** Scores from complete responses. */
  scores: Array<{ wave: string; dslId: string; instrument: string; scale: string; value: number }>;
  /** Supervision sessions with at least one attendee from this LA's schools. */
  sessions: Array<{ id: number; kind: string; mode: string; format: string; minutes: number }>;
  /** Administrative outcome counts of this LA's schools. */
  adminOutcomes: Array<{ urn: number; period: string; measure: string; count: number }>;
}

export interface DashboardFacts {
  la: { code: string; name: string };
  /** When the facts were read (ISO). */
  readAt: string;
  studies: StudyFacts[];
}

/** The semantic kind of a published cell, so checks (and screen-reader users) know what a number is. */
export type CellKind = 'label' | 'count' | 'rate' | 'mean' | 'ci' | 'hours' | 'note';

export interface PublicCell { text: string; kind: CellKind; numeric: boolean; header: boolean }
export interface PublicTable { id: string; caption: string; head: Array<{ text: string; numeric: boolean }>; rows: PublicCell[][]; footnote: string | null }

/** One bar of a published distribution: `count` is null when hidden ("c"). */
export interface HistogramBar { wave: string; group: string; bin: string; binOrder: number; count: number | null; label: string }

export interface PublicChart {
  id: string;
  title: string;
  /** The text alternative, read by screen readers and shown as the caption. */
  summary: string;
  spec: TopLevelSpec;
  rows: HistogramBar[];
  /** The chart's numbers as an accessible table (same protected values). */
  table: PublicTable;
  /** Server-rendered SVG, filled in when the snapshot is made. */
  svg: string | null;
}

export type Block =
  | { type: 'heading'; text: string }
  | { type: 'paragraph'; text: string }
  | { type: 'table'; table: PublicTable }
  | { type: 'chart'; chart: PublicChart };

export interface StudyView { anchor: string; title: string; kindLabel: string; blocks: Block[] }

export interface DashboardModel {
  format: 'dslkit-la-dashboard@1';
  laCode: string;
  laName: string;
  /** When the underlying data were read (ISO) and the same as a date for people. */
  dataAsAt: string;
  dataAsAtText: string;
  isDemo: boolean;
  rules: string[];
  studies: StudyView[];
}

/**
 * The published figures of one wave of one study in one LA: its participation table and, once the wave has
 * closed, each scale's rows of means and its distribution bars, all already disclosure-controlled. A closed
 * wave's figures are computed once and then frozen (stored), so later pages can never differ from them.
 */
export interface WaveFigures {
  wave: string;
  label: string;
  closed: boolean;
  closesAt: string;
  participation: PublicTable;
  /** Groups whose number of DSLs invited is hidden, so other waves hide it too. */
  hiddenInvitedGroups: string[];
  scales: Array<{ instrument: string; scale: string; means: PublicCell[][]; bars: HistogramBar[]; notShown: string[] }>;
}

/** A closed wave's frozen figures, as stored. */
export interface FrozenWave { studyId: string; wave: string; frozenAt: string; figures: WaveFigures }
