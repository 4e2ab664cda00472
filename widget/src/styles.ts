/** The widget's own styles, inside its shadow root: the host page's CSS does not reach in, ours does not leak out. */
export const styles = `
:host{all:initial}
[hidden]{display:none!important}
*{box-sizing:border-box;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.root{position:fixed;right:20px;bottom:20px;z-index:2147483000;font-size:14px;line-height:1.4;color:#1f2328}
button{font:inherit;cursor:pointer}
button:focus-visible,input:focus-visible,textarea:focus-visible,a:focus-visible{outline:2px solid #f59e0b;outline-offset:2px}
.launcher{width:56px;height:56px;border-radius:50%;border:0;background:#2457d6;color:#fff;box-shadow:0 4px 14px rgba(0,0,0,.25);display:flex;align-items:center;justify-content:center}
.launcher svg{width:28px;height:28px;fill:currentColor}
.panel{position:absolute;right:0;bottom:72px;width:360px;max-width:calc(100vw - 40px);height:540px;max-height:calc(100vh - 110px);background:#fff;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);display:flex;flex-direction:column;overflow:hidden}
header{background:#2457d6;color:#fff;padding:10px 12px;display:flex;align-items:center;gap:8px}
header h2{flex:1;margin:0;font-size:16px;font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
header button{background:transparent;color:#fff;border:1px solid rgba(255,255,255,.6);border-radius:6px;padding:3px 8px}
header .close{border:0;font-size:20px;line-height:1;padding:2px 6px}
.status{background:#fff4d6;color:#6b4e00;padding:4px 12px;font-size:12px}
.status:empty{display:none}
.body{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f6f7f9}
.greeting{color:#57606a;text-align:center;font-size:13px}
.error{color:#a40e26;background:#ffebe9;border-radius:8px;padding:10px;white-space:pre-line}
ol{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:6px}
.msg{display:flex;flex-direction:column;max-width:80%}
.msg .bubble{padding:7px 10px;border-radius:12px;white-space:pre-wrap;overflow-wrap:anywhere}
.msg.customer{align-self:flex-end;align-items:flex-end}
.msg.customer .bubble{background:#2457d6;color:#fff;border-bottom-right-radius:4px}
.msg.customer .bubble a{color:#fff}
.msg.operator{align-self:flex-start}
.msg.operator .bubble{background:#fff;border:1px solid #d8dee4;border-bottom-left-radius:4px}
.msg.system{align-self:center;max-width:90%;text-align:center;color:#57606a;font-size:12px}
.author{font-size:12px;color:#57606a;margin:0 4px 2px}
.tick{font-size:11px;color:#57606a;margin:2px 4px 0}
.tick[data-status=read]{color:#2457d6}
.tick[data-status=failed]{color:#a40e26}
.typing{font-size:12px;color:#57606a;font-style:italic;padding:0 14px 4px;min-height:18px;background:#f6f7f9}
form{display:flex;flex-direction:column;gap:8px}
label{display:flex;flex-direction:column;gap:3px;font-size:13px;color:#3d444d}
input,textarea{font:inherit;border:1px solid #c4ccd4;border-radius:8px;padding:7px 9px;color:#1f2328;background:#fff}
textarea{resize:none}
.primary{background:#2457d6;color:#fff;border:0;border-radius:8px;padding:8px 12px}
.primary:disabled{opacity:.6;cursor:default}
.composer{display:flex;flex-direction:row;gap:6px;padding:8px;border-top:1px solid #d8dee4;align-items:flex-end;background:#fff}
.composer textarea{flex:1;min-height:38px;max-height:120px}
.icon{background:transparent;border:0;font-size:20px;padding:4px}
.emojis{display:flex;flex-wrap:wrap;gap:2px;padding:4px 8px;border-top:1px solid #d8dee4;background:#fff}
.rating{background:#fff;border:1px solid #d8dee4;border-radius:10px;padding:10px;display:flex;flex-direction:column;gap:8px;text-align:center}
.stars{display:flex;justify-content:center;gap:4px}
.stars button{background:transparent;border:0;font-size:26px;color:#c4ccd4;padding:0 2px}
.stars button[aria-pressed=true]{color:#f5a623}
.files{display:flex;flex-direction:column;gap:4px;margin-top:4px}
.file{display:inline-block;padding:6px 9px;border-radius:10px;background:#fff;border:1px solid #d8dee4;color:#2457d6;overflow-wrap:anywhere}
.file img{display:block;max-width:200px;max-height:200px;width:auto;height:auto;border-radius:6px}
.file.refused{color:#a40e26;background:#ffebe9;border-color:#ffcecb}
.upload{display:flex;align-items:center;gap:8px;padding:4px 12px;font-size:12px;color:#57606a;background:#fff}
.upload progress{flex:1}
`;
