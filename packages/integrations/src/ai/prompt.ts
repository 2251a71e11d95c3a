import type { LanguageModelV3Content, LanguageModelV3Prompt, LanguageModelV3ToolResultPart } from '@ai-sdk/provider';

/** The text of the last user message: what the summary line shows of the prompt. */
export function lastUserText(prompt: LanguageModelV3Prompt): string | undefined {
  for (let i = prompt.length - 1; i >= 0; i--) {
    const message = prompt[i]!;
    if (message.role === 'user') {
      let text = '';
      for (const part of message.content) if (part.type === 'text') text = text ? `${text} ${part.text}` : part.text;
      return text;
    }
    if (message.role === 'system' && i === 0) return message.content;
  }
  return undefined;
}

/** The tool results the prompt hands back after its last assistant message: what the tools answered. */
export function trailingToolResults(prompt: LanguageModelV3Prompt): LanguageModelV3ToolResultPart[] {
  const results: LanguageModelV3ToolResultPart[] = [];
  for (let i = prompt.length - 1; i >= 0; i--) {
    const message = prompt[i]!;
    if (message.role !== 'tool') break;
    for (const part of message.content) if (part.type === 'tool-result') results.push(part);
  }
  return results;
}

/** A tool's output as the model is given it: the value, and whether it was an error. */
export function toolOutput(part: LanguageModelV3ToolResultPart): { value: unknown; failed: boolean } {
  const output = part.output;
  switch (output.type) {
    case 'text':
    case 'json':
      return { value: output.value, failed: false };
    case 'error-text':
    case 'error-json':
      return { value: output.value, failed: true };
    case 'execution-denied':
      return { value: { denied: true, reason: output.reason }, failed: true };
    case 'content':
    default:
      return { value: output, failed: false };
  }
}

/** Text, reasoning and tool calls of a model answer. */
export interface Answer {
  text: string;
  reasoning: string;
  toolCalls: { toolCallId: string; toolName: string; input: string }[];
}

export function answerOf(content: readonly LanguageModelV3Content[]): Answer {
  const answer: Answer = { text: '', reasoning: '', toolCalls: [] };
  for (const part of content) {
    if (part.type === 'text') answer.text += part.text;
    else if (part.type === 'reasoning') answer.reasoning += part.text;
    else if (part.type === 'tool-call' && !part.providerExecuted) answer.toolCalls.push(part);
  }
  return answer;
}

/** Tool arguments arrive as JSON text: parsed when they parse, kept as text otherwise. */
export function parsedInput(input: string): unknown {
  try {
    return JSON.parse(input);
  } catch {
    return input;
  }
}
