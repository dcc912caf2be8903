/** The windows figures are counted over: the last hour or the last day. */
export type Span = '1h' | '24h';

/** Two toggle buttons choosing the window, the chosen one pressed. */
export function WindowChoice({ value, onChange }: { value: Span; onChange: (span: Span) => void }) {
  return (
    <div role="group" aria-label="Window" className="segmented">
      {(['1h', '24h'] as const).map((w) => (
        <button key={w} type="button" aria-pressed={value === w} onClick={() => onChange(w)}>
          {w === '1h' ? 'Last hour' : 'Last day'}
        </button>
      ))}
    </div>
  );
}
