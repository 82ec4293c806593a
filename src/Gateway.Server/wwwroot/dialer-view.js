// View helpers of the web dialer: element lookup, status line, connection pill, call timer, signaling log.
'use strict';
window.DialerView = (() => {
  const $ = (id) => document.getElementById(id);

  /** The page's elements, by role. */
  function elements() {
    return {
      user: $('user'), register: $('register'), aor: $('aor'), session: $('session'), conn: $('conn'),
      number: $('number'), call: $('call'), hangup: $('hangup'), mute: $('mute'), hold: $('hold'),
      status: $('status'), timer: $('timer'), incoming: $('incoming'), incomingFrom: $('incoming-from'),
      accept: $('accept'), reject: $('reject'), remote: $('remote'), log: $('log'),
    };
  }

  function create(ui) {
    let timerStart = 0, timerHandle = 0;
    const two = (n) => String(n).padStart(2, '0');

    return {
      setStatus(text) { ui.status.textContent = text; },
      setConn(kind, text) { ui.conn.dataset.conn = kind; ui.conn.textContent = text; },
      callerName(m) { return m.display ? m.display + ' <' + m.from + '>' : (m.from || 'unknown'); },

      /** Call timer from answer: mm:ss, h:mm:ss past an hour. */
      startTimer() {
        clearInterval(timerHandle);
        timerStart = Date.now();
        const tick = () => {
          const s = Math.floor((Date.now() - timerStart) / 1000);
          const hh = Math.floor(s / 3600), mm = Math.floor(s / 60) % 60, ss = s % 60;
          ui.timer.textContent = (hh ? hh + ':' : '') + two(mm) + ':' + two(ss);
        };
        tick();
        timerHandle = setInterval(tick, 1000);
      },
      stopTimer() { clearInterval(timerHandle); timerHandle = 0; },
      resetTimer() { clearInterval(timerHandle); timerHandle = 0; ui.timer.textContent = '00:00'; },

      /** One line per signaling message (SDP bodies abbreviated), the last 200 kept. */
      addLog(dir, msg) {
        const text = typeof msg === 'string' ? msg
          : JSON.stringify(msg, (k, v) => (k === 'sdp' && typeof v === 'string' ? '<sdp ' + v.length + ' bytes>' : v));
        const li = document.createElement('li');
        li.className = dir;
        li.textContent = (dir === 'in' ? '← ' : '→ ') + text;
        ui.log.appendChild(li);
        while (ui.log.childElementCount > 200) ui.log.firstElementChild.remove();
      },
    };
  }

  return { elements, create };
})();
