// Public entry of the chart module: typed Vega-Lite spec builders and the server-side SVG renderer (used by reports and LA dashboards).
export { CHART_DATA_NAME, CHART_FONT, ARM_COLOURS, type Chart, type ArmLabel } from './chart';
export { outcomeHistogram, type HistogramInput, type HistogramRow } from './histogram';
export { outcomeHistogramPanel, binOutcome, type HistogramPanelInput, type HistogramPanelRow } from './histogram-panel';
export { forestPlot, type ForestInput, type ForestRow } from './forest-plot';
export { consortFlow, CONSORT_STAGES, type ConsortInput, type ConsortRow, type ConsortStage } from './consort-flow';
export { dosageChart, type DosageInput, type DosageRow } from './dosage';
export { responseRatesChart, type ResponseRateInput, type ResponseRateRow } from './response-rates';
export { balanceChart, type BalanceInput, type BalanceRow } from './balance';
export { renderChartSvg, renderChart, escapeXml, type RenderSvgOptions } from './render-svg';
