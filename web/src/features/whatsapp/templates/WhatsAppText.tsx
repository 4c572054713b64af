import { Fragment, type ReactNode } from 'react';

// WhatsApp's markup: *bold*, _italic_, ~strikethrough~, ```monospace```; each pair on one line.
const MARKUP = /```([^`]+)```|\*([^*\n]+)\*|_([^_\n]+)_|~([^~\n]+)~/g;

/** Text as WhatsApp shows it, built from React elements (never HTML), line breaks kept. */
export function WhatsAppText({ text }: { text: string }) {
  const out: ReactNode[] = [];
  let last = 0;
  let key = 0;
  for (const m of text.matchAll(MARKUP)) {
    if (m.index > last) out.push(<Fragment key={key++}>{text.slice(last, m.index)}</Fragment>);
    if (m[1] !== undefined) out.push(<code key={key++}>{m[1]}</code>);
    else if (m[2] !== undefined) out.push(<strong key={key++}>{m[2]}</strong>);
    else if (m[3] !== undefined) out.push(<em key={key++}>{m[3]}</em>);
    else out.push(<s key={key++}>{m[4]}</s>);
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(<Fragment key={key++}>{text.slice(last)}</Fragment>);
  return <span style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{out}</span>;
}
