// The disbursement curve drawn with uPlot: planned and received money as steps, the shortfall
// between them shaded, each checkpoint as a dashed line to its required amount and date, and today.
// The canvas is decoration for assistive technology: the caption says the same in words.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { disbursementCurve } from '../curve';
import { CHECKPOINT_STATUS, TIME_ZONE, useI18n } from '../i18n';
import type { ContractDetail } from '../types';

const COLORS = {
  planned: '#1d4ed8',
  received: '#047857',
  shortfall: 'rgba(220, 38, 38, 0.22)',
  checkpoint: '#b45309',
  checkpointMet: '#047857',
  today: '#475569',
};

export function CurveChart({ detail }: { detail: ContractDetail }) {
  const i18n = useI18n();
  const { m, money, date, text, lang } = i18n;
  const holder = useRef<HTMLDivElement>(null);
  // The span drawn, said in the caption too: it reaches the last day money arrived after the term.
  const span = disbursementCurve(detail);

  useEffect(() => {
    const element = holder.current;
    if (!element) return;
    const curve = disbursementCurve(detail);
    const monthFormat = new Intl.DateTimeFormat(lang, { timeZone: TIME_ZONE, year: 'numeric', month: 'short' });
    const stepped = uPlot.paths.stepped!({ align: 1 });
    const width = () => Math.max(320, element.clientWidth);

    const drawMarks = (u: uPlot) => {
      const { ctx } = u;
      const px = uPlot.pxRatio;
      const { left, top, width: plotWidth, height } = u.bbox;
      ctx.save();
      ctx.font = `${12 * px}px system-ui, sans-serif`;
      ctx.lineWidth = 1.5 * px;
      for (const c of curve.checkpoints) {
        const x = u.valToPos(c.x, 'x', true);
        const y = u.valToPos(c.required, 'y', true);
        const color = c.status === 'met' ? COLORS.checkpointMet : COLORS.checkpoint;
        ctx.strokeStyle = color;
        ctx.fillStyle = color;
        ctx.setLineDash([6 * px, 4 * px]);
        ctx.beginPath();
        ctx.moveTo(left, y);
        ctx.lineTo(x, y);
        ctx.moveTo(x, y);
        ctx.lineTo(x, top + height);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.beginPath();
        ctx.arc(x, y, 4 * px, 0, 2 * Math.PI);
        ctx.fill();
        const label = m('chartCheckpointLine', { percent: c.minPercent, date: date(c.by) });
        const textWidth = ctx.measureText(label).width;
        ctx.textAlign = x - textWidth - 8 * px > left ? 'right' : 'left';
        ctx.fillText(label, ctx.textAlign === 'right' ? x - 8 * px : x + 8 * px, y - 6 * px);
      }
      const today = u.valToPos(curve.now, 'x', true);
      ctx.strokeStyle = COLORS.today;
      ctx.fillStyle = COLORS.today;
      if (today <= left + plotWidth) {
        ctx.setLineDash([2 * px, 3 * px]);
        ctx.beginPath();
        ctx.moveTo(today, top);
        ctx.lineTo(today, top + height);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.textAlign = today > left + plotWidth - 60 * px ? 'right' : 'left';
        ctx.fillText(m('chartToday'), today + (ctx.textAlign === 'right' ? -4 : 4) * px, top + 12 * px);
      } else {
        // Today lies beyond the drawn span: say so at its edge.
        ctx.textAlign = 'right';
        ctx.fillText(
          m('chartTodayBeyond', { date: date(new Date(curve.now * 1000).toISOString()) }),
          left + plotWidth - 4 * px,
          top + 12 * px,
        );
      }
      ctx.restore();
    };

    const plot = new uPlot(
      {
        width: width(),
        height: 320,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), TIME_ZONE),
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: {
          x: { time: true, range: () => [curve.start, curve.end] },
          y: { range: () => [0, curve.value * 1.08] },
        },
        axes: [
          { values: (_u, splits) => splits.map((s) => monthFormat.format(s * 1000)), space: 70 },
          { values: (_u, splits) => splits.map((v) => i18n.compactMoney(v)), size: 80 },
        ],
        series: [
          {},
          { label: m('chartPlanned'), stroke: COLORS.planned, width: 2, paths: stepped, points: { show: false } },
          { label: m('chartReceived'), stroke: COLORS.received, width: 3, paths: stepped, points: { show: false } },
          { label: m('chartShortfall'), stroke: 'transparent', width: 0, paths: stepped, points: { show: false } },
        ],
        bands: [{ series: [1, 3], fill: COLORS.shortfall }],
        hooks: { draw: [drawMarks] },
      },
      [curve.xs, curve.planned, curve.received, curve.floor],
      element,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: width(), height: 320 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [detail, lang]);

  return (
    <figure class="curve">
      <div ref={holder} class="curve-canvas" aria-hidden="true" />
      <ul class="legend" aria-hidden="true">
        <li>
          <span class="swatch line" style={{ background: COLORS.planned }} /> {m('chartPlanned')}
        </li>
        <li>
          <span class="swatch line thick" style={{ background: COLORS.received }} /> {m('chartReceived')}
        </li>
        <li>
          <span class="swatch area" style={{ background: COLORS.shortfall }} /> {m('chartShortfall')}
        </li>
        <li>
          <span class="swatch dashed" style={{ borderColor: COLORS.checkpoint }} /> {m('chartCheckpointLegend')}
        </li>
      </ul>
      <figcaption>
        {m('chartSpan', {
          start: date(new Date(span.start * 1000).toISOString()),
          end: date(new Date(span.end * 1000).toISOString()),
        })}{' '}
        {m('chartSummary', {
          planned: money(detail.dueToDate),
          received: money(detail.received),
          shortfall: money(detail.arrears),
        })}{' '}
        {detail.checkpoints
          .map((c) =>
            m('chartCheckpoint', {
              percent: c.minPercent,
              date: date(c.by),
              status: text(CHECKPOINT_STATUS[c.status]),
            }),
          )
          .join(' ')}
      </figcaption>
    </figure>
  );
}
