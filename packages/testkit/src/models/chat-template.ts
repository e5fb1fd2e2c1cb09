/**
 * A chat template in the shape of Gemma 4's: `<|turn>role ... <turn|>` turns, a system turn holding
 * `<|think|>` (thinking on) and `<|tool>declaration:...<tool|>` tool declarations, tool calls as
 * `<|tool_call>call:name{key:value}<tool_call|>` with `<|"|>`-quoted strings, tool results as
 * `<|tool_response>response:name{...}<tool_response|>`, and an empty thought channel appended to the
 * generation prompt when thinking is off. It contains the literal `'<|tool_call>call:'`, which is
 * what makes llama.cpp pick its dedicated Gemma 4 chat handler (parser, grammar, thinking); the
 * `{#- OpenAI Chat Completions:` comment tells llama.cpp this template renders role 'tool' messages
 * itself, so it skips its workaround for older Gemma 4 templates. Rendered like Gemma4ChatWrapper for
 * plain chats, node-llama-cpp resolves this template to its Gemma4ChatWrapper.
 * Written for this testkit; a smaller rendering of the same format, not a copy of Google's file.
 */
export const gemma4ChatTemplate = `{%- macro quote(value) -%}
{%- if value is string -%}{{ '<|"|>' + value + '<|"|>' }}
{%- elif value is boolean -%}{{ 'true' if value else 'false' }}
{%- elif value is mapping -%}{{ '{' }}{%- for k, v in value | dictsort -%}{{ k }}:{{ quote(v) }}{{ ',' if not loop.last }}{%- endfor -%}{{ '}' }}
{%- elif value is sequence -%}{{ '[' }}{%- for v in value -%}{{ quote(v) }}{{ ',' if not loop.last }}{%- endfor -%}{{ ']' }}
{%- else -%}{{ value }}
{%- endif -%}
{%- endmacro -%}
{%- macro schema(spec) -%}
{{ '{' }}
{%- if spec['description'] -%}description:{{ quote(spec['description']) }},{%- endif -%}
{%- if spec['enum'] -%}enum:{{ quote(spec['enum']) }},{%- endif -%}
{%- if spec['properties'] -%}properties:{{ '{' }}{%- for name, child in spec['properties'] | dictsort -%}{{ name }}:{{ schema(child) }}{{ ',' if not loop.last }}{%- endfor -%}{{ '},' }}{%- endif -%}
{#- 'items' is also the name of a mapping method: test membership, not truthiness -#}
{%- if 'items' in spec and spec['items'] is mapping -%}items:{{ schema(spec['items']) }},{%- endif -%}
{%- if spec['required'] -%}required:{{ quote(spec['required']) }},{%- endif -%}
type:{{ quote((spec['type'] | default('object') | string) | upper) }}{{ '}' }}
{%- endmacro -%}
{%- macro declaration(tool) -%}
{%- set fn = tool['function'] if tool['function'] is defined else tool -%}
{{ '<|tool>declaration:' + fn['name'] + '{description:' + quote(fn['description'] | default('')) }}
{%- if fn['parameters'] -%},parameters:{{ schema(fn['parameters']) }}{%- endif -%}
{{ '}<tool|>' }}
{%- endmacro -%}
{%- macro text_of(content) -%}
{%- if content is string -%}{{ content | trim }}
{%- elif content is sequence -%}{%- for part in content -%}{%- if part['type'] == 'text' -%}{{ part['text'] | trim }}{%- elif part['type'] == 'image' -%}{{ '<|image|>' }}{%- elif part['type'] == 'audio' -%}{{ '<|audio|>' }}{%- endif -%}{%- endfor -%}
{%- endif -%}
{%- endmacro -%}
{%- macro without_thoughts(text) -%}
{%- set kept = namespace(text='') -%}
{%- for piece in text.split('<channel|>') -%}{%- set kept.text = kept.text + piece.split('<|channel>')[0] -%}{%- endfor -%}
{{ kept.text | trim }}
{%- endmacro -%}
{%- set thinking = enable_thinking is defined and enable_thinking -%}
{%- set state = namespace(last='none', calls=[]) -%}
{%- set rest = messages -%}
{{ bos_token }}
{%- if thinking or tools or (messages and messages[0]['role'] in ['system', 'developer']) -%}
{{ '<|turn>system\\n' }}
{%- if thinking -%}{{ '<|think|>\\n' }}{%- endif -%}
{%- if messages and messages[0]['role'] in ['system', 'developer'] -%}
{{ text_of(messages[0]['content']) }}
{%- set rest = messages[1:] -%}
{%- endif -%}
{%- for tool in tools or [] -%}{{ declaration(tool) }}{%- endfor -%}
{{ '<turn|>\\n' }}
{%- endif -%}
{%- for message in rest -%}
{%- if message['role'] == 'tool' -%}
{#- OpenAI Chat Completions: a role 'tool' message answers the preceding tool call in the same model turn -#}
{%- if state.last != 'tool_call' and state.last != 'tool_response' -%}{{ '<|turn>model\\n' }}{%- endif -%}
{%- set called = namespace(name=message['name'] | default('tool')) -%}
{%- for call in state.calls -%}{%- if call['id'] is defined and call['id'] == message['tool_call_id'] -%}{%- set called.name = call['function']['name'] -%}{%- endif -%}{%- endfor -%}
{{ '<|tool_response>response:' + called.name + '{value:' + quote(text_of(message['content'])) + '}<tool_response|>' }}
{%- set state.last = 'tool_response' -%}
{%- else -%}
{%- set role = 'model' if message['role'] == 'assistant' else message['role'] -%}
{%- if role == 'model' and state.last == 'tool_response' -%}
{%- else -%}
{%- if state.last == 'tool_call' or state.last == 'tool_response' -%}{{ '<turn|>\\n' }}{%- endif -%}
{{ '<|turn>' + role + '\\n' }}
{%- endif -%}
{%- if role == 'model' and message['content'] -%}{{ without_thoughts(text_of(message['content'])) }}
{%- elif message['content'] -%}{{ text_of(message['content']) }}
{%- endif -%}
{%- if message['tool_calls'] -%}
{%- for call in message['tool_calls'] -%}
{%- set fn = call['function'] -%}
{{ '<|tool_call>call:' + fn['name'] + '{' }}
{#- Arguments arrive as a mapping: llama.cpp parses JSON-string arguments before rendering -#}
{%- if fn['arguments'] is mapping -%}{%- for k, v in fn['arguments'] | dictsort -%}{{ k }}:{{ quote(v) }}{{ ',' if not loop.last }}{%- endfor -%}{%- endif -%}
{{ '}<tool_call|>' }}
{%- endfor -%}
{%- set state.last = 'tool_call' -%}
{%- set state.calls = message['tool_calls'] -%}
{%- else -%}
{{ '<turn|>\\n' }}
{%- set state.last = role -%}
{%- endif -%}
{%- endif -%}
{%- endfor -%}
{%- if add_generation_prompt and state.last != 'tool_call' and state.last != 'tool_response' -%}
{{ '<|turn>model\\n' }}
{%- if not thinking -%}{{ '<|channel>thought\\n<channel|>' }}{%- endif -%}
{%- endif -%}`;
