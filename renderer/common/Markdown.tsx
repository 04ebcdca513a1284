// Renders parseMarkdown's tree as React elements: text is always a text node, never HTML.
import { Fragment, type ReactNode } from 'react';
import { parseMarkdown, type MarkdownInline } from './markdown.ts';

export function Markdown({ source }: { source: string }) {
  const blocks = parseMarkdown(source);
  return (
    <div className="markdown">
      {blocks.map((block, i) => {
        switch (block.kind) {
          case 'heading': {
            const Heading = `h${block.level + 2}` as 'h3' | 'h4' | 'h5';
            return <Heading key={i}>{inlines(block.children)}</Heading>;
          }
          case 'paragraph':
            return <p key={i}>{inlines(block.children)}</p>;
          case 'quote':
            return <blockquote key={i}>{inlines(block.children)}</blockquote>;
          case 'codeBlock':
            return <pre key={i}><code>{block.text}</code></pre>;
          case 'list': {
            const List = block.ordered ? 'ol' : 'ul';
            return <List key={i}>{block.items.map((item, j) => <li key={j}>{inlines(item)}</li>)}</List>;
          }
        }
      })}
    </div>
  );
}

function inlines(nodes: MarkdownInline[]): ReactNode {
  return nodes.map((node, i) => {
    switch (node.kind) {
      case 'text': return <Fragment key={i}>{node.text}</Fragment>;
      case 'code': return <code key={i}>{node.text}</code>;
      case 'strong': return <strong key={i}>{inlines(node.children)}</strong>;
      case 'emphasis': return <em key={i}>{inlines(node.children)}</em>;
      case 'link': return <a key={i} href={node.href} target="_blank" rel="noreferrer noopener">{inlines(node.children)}</a>;
    }
  });
}
