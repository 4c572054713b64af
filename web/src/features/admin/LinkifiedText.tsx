import { Anchor } from '@mantine/core';
import type { ReactNode } from 'react';

const URL_PATTERN = /https?:\/\/[^\s<>"')\]]+/g;
const TRAILING_PUNCTUATION = /[.,;:!?]+$/;

/** Plain text with its http(s) addresses made clickable (React escapes everything else). */
export function LinkifiedText({ text }: { text: string }) {
  const out: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = match[0].replace(TRAILING_PUNCTUATION, '');
    const start = match.index;
    out.push(text.slice(last, start));
    out.push(
      <Anchor key={start} href={url} target="_blank" rel="noopener noreferrer" inherit>
        {url}
      </Anchor>,
    );
    last = start + url.length;
  }
  out.push(text.slice(last));
  return <>{out}</>;
}
