// Every string of the board in both languages (a test holds the two key sets equal). zh-CN unless the operator chose English.
'use strict';
const I18N = {
  'zh-CN': {
    'language.other': 'English',
    title: '校园报警中心', signIn: '操作员登录', signInFailed: '用户名或密码错误', signOut: '退出',
    operator: '操作员', password: '密码', signedInAs: '操作员：{0}',
    'page.board': '监控面板', 'page.history': '报警记录',
    liveAlarms: '待确认报警', noAlarms: '没有待确认的报警', gateways: '学校与网关',
    time: '时间', school: '学校', gateway: '网关', location: '位置', kind: '类型', state: '状态', latency: '延迟',
    lastHeard: '最后联系', lastHealth: '最近健康报告', outbox: '待发队列', testMode: '测试模式', seqGaps: '序号缺失',
    acknowledge: '确认', acknowledging: '正在确认…', ackFailed: '确认未送达：{0}', ackedBy: '确认人', ackedAt: '确认时间',
    all: '全部', from: '从', to: '到', search: '查询', noHistory: '没有符合条件的报警',
    connected: '已连接', disconnected: '与消息服务器断开',
    'gw.online': '在线', 'gw.silent': '失联', 'gw.offline': '离线',
    'reason.shutdown': '正常关机', 'reason.connection-lost': '连接中断',
    schoolSilent: '学校失联：{0}', silentFor: '{0} 未联系（上报时限 {1}）', neverHeard: '从未联系',
    secondsAgo: '{0} 秒前', minutesAgo: '{0} 分钟前', hoursAgo: '{0} 小时前', none: '—',
    outboxDepth: '报警 {0} / 事件 {1} / 遥测 {2}', testModeOn: '测试中（{0}），至 {1}', testModeAll: '全部输入',
    gapCount: '缺 {0} 条（自 {1}）', ms: '{0} 毫秒',
    'kind.panic': '紧急按钮', 'kind.smoke': '烟感', 'kind.intrusion': '入侵', 'kind.tamper': '防拆',
    'kind.fault': '故障', 'kind.temperature': '温度',
    'page.tickets': '故障工单', 'page.report': '按钮测试报告',
    openTickets: '未关闭的故障工单', noTickets: '没有未关闭的工单', ticketNumber: '编号', age: '已持续', input: '输入', fault: '故障',
    ticketNote: '处理说明', ticketsCsv: '导出工单记录（CSV）', ticketFailed: '操作未完成：{0}',
    'ticketAction.ack': '受理', 'ticketAction.fix': '已修复', 'ticketAction.close': '关闭',
    'ticket.discovered': '新发现', 'ticket.acknowledged': '已受理', 'ticket.rectified': '已修复', 'ticket.verified': '已关闭',
    chooseSchool: '选择学校', showReport: '生成报告', reportCsv: '下载 CSV', reportFailed: '报告生成失败',
    'state.active': '报警', 'state.restored': '已恢复', 'state.awaiting': '待确认', 'state.acknowledged': '已确认',
  },
  en: {
    'language.other': '中文',
    title: 'Campus Alarm Center', signIn: 'Operator sign-in', signInFailed: 'Wrong name or password', signOut: 'Sign out',
    operator: 'Operator', password: 'Password', signedInAs: 'Operator: {0}',
    'page.board': 'Board', 'page.history': 'Alarm history',
    liveAlarms: 'Alarms awaiting acknowledgement', noAlarms: 'No alarm awaiting acknowledgement', gateways: 'Schools and gateways',
    time: 'Time', school: 'School', gateway: 'Gateway', location: 'Location', kind: 'Kind', state: 'State', latency: 'Latency',
    lastHeard: 'Last heard', lastHealth: 'Last health', outbox: 'Outbox', testMode: 'Test mode', seqGaps: 'Seq gaps',
    acknowledge: 'Acknowledge', acknowledging: 'Acknowledging…', ackFailed: 'Ack not delivered: {0}', ackedBy: 'Acknowledged by', ackedAt: 'Acknowledged at',
    all: 'All', from: 'From', to: 'To', search: 'Search', noHistory: 'No alarm matches',
    connected: 'Connected', disconnected: 'Disconnected from the broker',
    'gw.online': 'online', 'gw.silent': 'silent', 'gw.offline': 'offline',
    'reason.shutdown': 'shutdown', 'reason.connection-lost': 'connection lost',
    schoolSilent: 'School silent: {0}', silentFor: 'not heard for {0} (reporting time {1})', neverHeard: 'never heard',
    secondsAgo: '{0} s ago', minutesAgo: '{0} min ago', hoursAgo: '{0} h ago', none: '—',
    outboxDepth: 'alarm {0} / event {1} / telemetry {2}', testModeOn: 'testing ({0}) until {1}', testModeAll: 'all inputs',
    gapCount: '{0} missing (from {1})', ms: '{0} ms',
    'kind.panic': 'Panic', 'kind.smoke': 'Smoke', 'kind.intrusion': 'Intrusion', 'kind.tamper': 'Tamper',
    'kind.fault': 'Fault', 'kind.temperature': 'Temperature',
    'page.tickets': 'Fault tickets', 'page.report': 'Button-test report',
    openTickets: 'Open fault tickets', noTickets: 'No open ticket', ticketNumber: 'No.', age: 'Age', input: 'Input', fault: 'Fault',
    ticketNote: 'Note (what was done)', ticketsCsv: 'Export ticket history (CSV)', ticketFailed: 'Not done: {0}',
    'ticketAction.ack': 'Acknowledge', 'ticketAction.fix': 'Rectified', 'ticketAction.close': 'Close',
    'ticket.discovered': 'discovered', 'ticket.acknowledged': 'acknowledged', 'ticket.rectified': 'rectified', 'ticket.verified': 'closed',
    chooseSchool: 'Choose a school', showReport: 'Show report', reportCsv: 'Download CSV', reportFailed: 'The report could not be made',
    'state.active': 'active', 'state.restored': 'restored', 'state.awaiting': 'awaiting ack', 'state.acknowledged': 'acknowledged',
  },
};

const Lang = {
  current: localStorage.getItem('board.lang') === 'en' ? 'en' : 'zh-CN',
  listeners: [],
  t(key, ...args) {
    const text = I18N[Lang.current][key] ?? key;
    return text.replace(/\{(\d)\}/g, (_, i) => args[Number(i)] ?? '');
  },
  apply() {
    document.documentElement.lang = Lang.current;
    for (const element of document.querySelectorAll('[data-i18n]')) {
      element.textContent = Lang.t(element.dataset.i18n);
    }
    const button = document.getElementById('language');
    if (button) {
      button.textContent = Lang.t('language.other');
    }
    Lang.listeners.forEach(listener => listener());
  },
  toggle() {
    Lang.current = Lang.current === 'en' ? 'zh-CN' : 'en';
    localStorage.setItem('board.lang', Lang.current);
    Lang.apply();
  },
  onChange(listener) { Lang.listeners.push(listener); },
};

document.getElementById('language')?.addEventListener('click', Lang.toggle);
Lang.apply();
