<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="zh_CN">
<context>
    <name>AidTab</name>
    <message>
        <source>服务项目</source>
        <translation>Service item</translation>
    </message>
    <message>
        <source>步骤</source>
        <translation>Steps</translation>
    </message>
    <message>
        <source>计划完成</source>
        <translation>Due</translation>
    </message>
    <message>
        <source>完成情况</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>指定本人为援助责任人</source>
        <translation>Make me the responsible staff member</translation>
    </message>
    <message>
        <source>服务项目，如：职业技能培训</source>
        <translation>Service item, e.g. vocational skills training</translation>
    </message>
    <message>
        <source>步骤和计划完成日期，如：报名电工培训 2026-12-10</source>
        <translation>Step and due date, e.g. enrol in electrician training 2026-12-10</translation>
    </message>
    <message>
        <source>保存计划项目</source>
        <translation>Save plan item</translation>
    </message>
    <message>
        <source>援助需求</source>
        <translation>Aid needs</translation>
    </message>
    <message>
        <source>用顿号分隔，如：社会保险补贴、公益性岗位补贴</source>
        <translation>Separated by 、, e.g. social insurance subsidy、public-welfare post subsidy</translation>
    </message>
    <message>
        <source>保存回访本人</source>
        <translation>Save visit to the person</translation>
    </message>
    <message>
        <source>回访日期</source>
        <translation>Visit date</translation>
    </message>
    <message>
        <source>回访结论</source>
        <translation>Visit outcome</translation>
    </message>
    <message>
        <source>就业创业状况</source>
        <translation>Employment situation</translation>
    </message>
    <message>
        <source>政策落实情况</source>
        <translation>Policies enjoyed</translation>
    </message>
    <message>
        <source>援助措施落实</source>
        <translation>Aid measures carried out</translation>
    </message>
    <message>
        <source>后续服务措施</source>
        <translation>Follow-up measures</translation>
    </message>
    <message>
        <source>已签订劳动合同</source>
        <translation>Labour contract signed</translation>
    </message>
    <message>
        <source>已参加社会保险</source>
        <translation>Social insurance paid</translation>
    </message>
    <message>
        <source>工资按时足额发放</source>
        <translation>Wages paid in full and on time</translation>
    </message>
    <message>
        <source>保存回访用人单位</source>
        <translation>Save visit to the employer</translation>
    </message>
    <message>
        <source>用人单位</source>
        <translation>Employer</translation>
    </message>
    <message>
        <source>就业现状</source>
        <translation>Employment status</translation>
    </message>
    <message>
        <source>工作时间</source>
        <translation>Working hours</translation>
    </message>
    <message>
        <source>劳动强度</source>
        <translation>Workload</translation>
    </message>
    <message>
        <source>反映的问题</source>
        <translation>Problems reported</translation>
    </message>
    <message>
        <source>援助计划</source>
        <translation>Aid plan</translation>
    </message>
    <message>
        <source>回访本人</source>
        <translation>Visit the person</translation>
    </message>
    <message>
        <source>回访用人单位</source>
        <translation>Visit the employer</translation>
    </message>
    <message>
        <source>结束援助</source>
        <translation>End aid</translation>
    </message>
    <message>
        <source>公益性岗位</source>
        <translation>Public-welfare post</translation>
    </message>
    <message>
        <source>虚假信息</source>
        <translation>False information</translation>
    </message>
    <message>
        <source>回访记录</source>
        <translation>Follow-up visits</translation>
    </message>
    <message>
        <source>如：经回访已实现稳定就业</source>
        <translation>e.g. stable employment confirmed by a follow-up visit</translation>
    </message>
    <message>
        <source>结束援助计划</source>
        <translation>End the aid plan</translation>
    </message>
    <message>
        <source>结束日期</source>
        <translation>End date</translation>
    </message>
    <message>
        <source>结束原因</source>
        <translation>Reason for ending</translation>
    </message>
    <message>
        <source>如：社区保洁员</source>
        <translation>e.g. community cleaner</translation>
    </message>
    <message>
        <source>岗位开发单位，如：城关区环卫所</source>
        <translation>Employer providing the post, e.g. Chengguan District Sanitation Office</translation>
    </message>
    <message>
        <source>协议期满日期，可不填</source>
        <translation>End of the agreement (optional)</translation>
    </message>
    <message>
        <source>安置上岗</source>
        <translation>Place in post</translation>
    </message>
    <message>
        <source>如：协议期满、已在市场就业</source>
        <translation>e.g. agreement ended, found work on the market</translation>
    </message>
    <message>
        <source>退出岗位</source>
        <translation>End the post</translation>
    </message>
    <message>
        <source>岗位名称</source>
        <translation>Post</translation>
    </message>
    <message>
        <source>上岗日期</source>
        <translation>Start date</translation>
    </message>
    <message>
        <source>岗位期满</source>
        <translation>Agreement ends</translation>
    </message>
    <message>
        <source>在岗情况</source>
        <translation>Current post</translation>
    </message>
    <message>
        <source>退出日期</source>
        <translation>Exit date</translation>
    </message>
    <message>
        <source>退出原因</source>
        <translation>Reason for leaving</translation>
    </message>
    <message>
        <source>哪些信息不实，如：登记时隐瞒已就业</source>
        <translation>What was false, e.g. concealed employment when registering</translation>
    </message>
    <message>
        <source>必填：比对结果、调查记录或文书编号</source>
        <translation>Required: comparison result, investigation record or document number</translation>
    </message>
    <message>
        <source>标记虚假信息</source>
        <translation>Mark false information</translation>
    </message>
    <message>
        <source>如：系误认</source>
        <translation>e.g. marked by mistake</translation>
    </message>
    <message>
        <source>撤销标记</source>
        <translation>Withdraw the mark</translation>
    </message>
    <message>
        <source>认定日期</source>
        <translation>Date of finding</translation>
    </message>
    <message>
        <source>不实信息</source>
        <translation>False information</translation>
    </message>
    <message>
        <source>证据</source>
        <translation>Evidence</translation>
    </message>
    <message>
        <source>撤销日期</source>
        <translation>Withdrawal date</translation>
    </message>
    <message>
        <source>撤销理由</source>
        <translation>Reason for withdrawal</translation>
    </message>
    <message>
        <source>记录未显示其属于就业困难人员，无需制定援助计划</source>
        <translation>The record does not show an employment difficulty; no aid plan is needed</translation>
    </message>
    <message>
        <source>援助中</source>
        <translation>active</translation>
    </message>
    <message>
        <source>已结束</source>
        <translation>closed</translation>
    </message>
    <message>
        <source>援助计划：{status}（第{round}轮）&#x3000;责任人：{staff}&#x3000;步骤 {done}/{total}</source>
        <translation>Aid plan: {status} (round {round})  Staff: {staff}  Steps {done}/{total}</translation>
    </message>
    <message>
        <source>未指定</source>
        <translation>not assigned</translation>
    </message>
    <message>
        <source>援助需求：{needs}</source>
        <translation>Aid needs: {needs}</translation>
    </message>
    <message>
        <source>尚未制定援助计划</source>
        <translation>No aid plan yet</translation>
    </message>
    <message>
        <source>公益性岗位：{post}（{employer}），{start} 起在岗</source>
        <translation>Public-welfare post: {post} ({employer}), since {start}</translation>
    </message>
    <message>
        <source>公益性岗位：{post}（{employer}），{start} 至 {end}</source>
        <translation>Public-welfare post: {post} ({employer}), {start} to {end}</translation>
    </message>
    <message>
        <source>尚未享受、应协助落实的扶持政策：
</source>
        <translation>Policies qualified for but not yet enjoyed:
</translation>
    </message>
    <message>
        <source>符合条件的扶持政策均已享受</source>
        <translation>All qualifying policies are enjoyed</translation>
    </message>
    <message>
        <source>扶持政策读取失败：{reason}</source>
        <translation>Could not read the policies: {reason}</translation>
    </message>
    <message>
        <source>在岗：{post}（{employer}），{start} 上岗</source>
        <translation>In post: {post} ({employer}), since {start}</translation>
    </message>
    <message>
        <source>当前未在公益性岗位</source>
        <translation>Not in a public-welfare post</translation>
    </message>
    <message>
        <source>标记虚假信息及撤销须由审核人员办理</source>
        <translation>Only a reviewer may mark false information or withdraw the mark</translation>
    </message>
    <message>
        <source>该登记已标记为提供虚假信息</source>
        <translation>This registration is marked as resting on false information</translation>
    </message>
    <message>
        <source>该登记未标记虚假信息</source>
        <translation>This registration is not marked for false information</translation>
    </message>
    <message>
        <source>{what}「{text}」不是有效日期，请按 2026-11-26 的格式填写</source>
        <translation>{what} &quot;{text}&quot; is not a valid date; use the form 2026-11-26</translation>
    </message>
    <message>
        <source>岗位期满日期</source>
        <translation>Agreement end date</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>失业登记</source>
        <translation>Unemployment Registration</translation>
    </message>
    <message>
        <source>{reason}

请先关闭另一个窗口，再重新启动本程序。</source>
        <translation>{reason}

Close the other window first, then start this program again.</translation>
    </message>
    <message>
        <source>{reason}

损坏的文件已保留在：
{kept_aside}
请交技术人员处理，切勿删除。

可以新建一个空数据库继续办理业务（尚未上传到中心的记录留在损坏的文件中），或退出程序。</source>
        <translation>{reason}

The damaged file has been kept at:
{kept_aside}
Hand it to technical staff; do not delete it.

You can start a new empty database and carry on (records not yet uploaded to the central database stay in the damaged file), or quit.</translation>
    </message>
    <message>
        <source>无法打开本地数据库：{reason}</source>
        <translation>Cannot open the local database: {reason}</translation>
    </message>
    <message>
        <source>无法打开数据库</source>
        <translation>Cannot open the database</translation>
    </message>
    <message>
        <source>新建空数据库</source>
        <translation>Start an empty database</translation>
    </message>
    <message>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>读卡</source>
        <translation>Card</translation>
    </message>
</context>
<context>
    <name>ApplyPage</name>
    <message>
        <source>受理登记 — 就业失业登记表</source>
        <translation>Registration — Employment and Unemployment Registration Form</translation>
    </message>
    <message>
        <source>F2 读卡&#x3000;Tab 下一项&#x3000;Enter 下一待填项&#x3000;Ctrl+P 打印承诺书&#x3000;Ctrl+Enter 受理&#x3000;Ctrl+N 新受理</source>
        <translation>F2 read card   Tab next field   Enter next field to fill   Ctrl+P print commitment   Ctrl+Enter accept   Ctrl+N new applicant</translation>
    </message>
    <message>
        <source>如 20250630</source>
        <translation>e.g. 20250630</translation>
    </message>
    <message>
        <source>手机11位或区号-号码</source>
        <translation>11-digit mobile or area code-number</translation>
    </message>
    <message>
        <source>读卡（F2）或输入证件号码</source>
        <translation>Read the card (F2) or type the document number</translation>
    </message>
    <message>
        <source>打印承诺书（Ctrl+P）</source>
        <translation>Print commitment (Ctrl+P)</translation>
    </message>
    <message>
        <source>受理（Ctrl+Enter）</source>
        <translation>Accept (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>打印不符合条件告知书</source>
        <translation>Print notice of ineligibility</translation>
    </message>
    <message>
        <source>新受理（Ctrl+N）</source>
        <translation>New applicant (Ctrl+N)</translation>
    </message>
    <message>
        <source>打印机：</source>
        <translation>Printer:</translation>
    </message>
    <message>
        <source>正在打印书面承诺书……</source>
        <translation>Printing the written commitment…</translation>
    </message>
    <message>
        <source>正在受理……</source>
        <translation>Accepting…</translation>
    </message>
    <message>
        <source>来源：{source}</source>
        <translation>Source: {source}</translation>
    </message>
    <message>
        <source>请将身份证或社会保障卡放在阅读器上（F2 读卡），或输入证件号码</source>
        <translation>Place the ID card or social security card on the reader (F2 reads it), or type the document number</translation>
    </message>
    <message>
        <source>填写登记表</source>
        <translation>Complete the registration form</translation>
    </message>
    <message>
        <source>书面承诺书已打印，申请人签字后按 Ctrl+Enter 受理</source>
        <translation>Commitment printed: once the applicant has signed it, press Ctrl+Enter to accept</translation>
    </message>
    <message>
        <source>已受理</source>
        <translation>Accepted</translation>
    </message>
    <message>
        <source>资格检查（通知第一条）</source>
        <translation>Eligibility (notice §1)</translation>
    </message>
    <message>
        <source>已受理&#x3000;登记编号 {number}</source>
        <translation>Accepted   registration number {number}</translation>
    </message>
    <message>
        <source>办结期限：{due}（{days}个工作日）</source>
        <translation>Deadline: {due} ({days} working days)</translation>
    </message>
    <message>
        <source>读卡或填写证件号码、出生日期、户籍地和常住地后自动检查</source>
        <translation>Checked automatically once the card is read or the document number, birth date, household and residence places are filled in</translation>
    </message>
    <message>
        <source>不符合，共 {count} 项</source>
        <translation>Not eligible: {count} condition(s) unmet</translation>
    </message>
    <message>
        <source>符合</source>
        <translation>Eligible</translation>
    </message>
    <message>
        <source>尚未填写（{count} 项）</source>
        <translation>Still to fill in ({count})</translation>
    </message>
    <message>
        <source>须更正</source>
        <translation>To correct</translation>
    </message>
    <message>
        <source>请注意</source>
        <translation>Please note</translation>
    </message>
    <message>
        <source>正在查询是否已有登记……</source>
        <translation>Checking for an existing registration…</translation>
    </message>
    <message>
        <source>已有有效登记 {number}，已打开原记录</source>
        <translation>Active registration {number} exists: its record has been opened</translation>
    </message>
    <message>
        <source>本地无有效登记</source>
        <translation>No active registration here</translation>
    </message>
    <message>
        <source>登记编号（已预留）：{number}</source>
        <translation>Registration number (reserved): {number}</translation>
    </message>
    <message>
        <source>无法查询是否已有登记：{reason}</source>
        <translation>Could not check for an existing registration: {reason}</translation>
    </message>
    <message>
        <source>不符合失业登记条件告知书已在 {printer} 打印</source>
        <translation>Notice of ineligibility printed on {printer}</translation>
    </message>
    <message>
        <source>告知书未能打印：{reason}</source>
        <translation>The notice was not printed: {reason}</translation>
    </message>
</context>
<context>
    <name>AuditModel</name>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>经办人</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <source>窗口</source>
        <translation>Counter</translation>
    </message>
    <message>
        <source>操作</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>对象</source>
        <translation>Person</translation>
    </message>
    <message>
        <source>详情</source>
        <translation>Details</translation>
    </message>
</context>
<context>
    <name>AuditPage</name>
    <message>
        <source>事件日志完整性校验未通过：发现 {count} 处问题，记录可能在本程序之外被改动或删除。请立即报告管理员并保留本机数据，切勿自行修复。</source>
        <translation>The event journal failed its integrity check: {count} problem(s) found; records may have been changed or deleted outside this program. Report this to the administrator at once and keep this computer&apos;s data; do not try to repair it yourself.</translation>
    </message>
    <message>
        <source>· 第 {seq} 条（{kind}，经办人 {clerk}，{time}）：{what}</source>
        <translation>· Entry {seq} ({kind}, clerk {clerk}, {time}): {what}</translation>
    </message>
    <message>
        <source>· 第 {seq} 条：{what}</source>
        <translation>· Entry {seq}: {what}</translation>
    </message>
    <message>
        <source>……另有 {count} 处</source>
        <translation>… and {count} more</translation>
    </message>
    <message>
        <source>数据完整性警报</source>
        <translation>Data integrity alarm</translation>
    </message>
    <message>
        <source>数据完整性警报：事件日志有 {count} 处被改动，请报告管理员</source>
        <translation>Data integrity alarm: {count} change(s) to the event journal; report this to the administrator</translation>
    </message>
    <message>
        <source>事件日志完整性：尚未检查</source>
        <translation>Event journal integrity: not checked yet</translation>
    </message>
    <message>
        <source>检查完整性</source>
        <translation>Check integrity</translation>
    </message>
    <message>
        <source>用户名，留空为全部</source>
        <translation>User name; leave empty for all</translation>
    </message>
    <message>
        <source>全部审计事项</source>
        <translation>All audited actions</translation>
    </message>
    <message>
        <source>姓名、证件号码或手机号码</source>
        <translation>Name, ID number or mobile number</translation>
    </message>
    <message>
        <source>查询</source>
        <translation>Search</translation>
    </message>
    <message>
        <source>导出CSV</source>
        <translation>Export CSV</translation>
    </message>
    <message>
        <source>经办人</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>至</source>
        <translation>to</translation>
    </message>
    <message>
        <source>日期</source>
        <translation>Dates</translation>
    </message>
    <message>
        <source>人员</source>
        <translation>Person</translation>
    </message>
    <message>
        <source>查看完整信息</source>
        <translation>Full record viewed</translation>
    </message>
    <message>
        <source>查看事由（将记入审计记录）：</source>
        <translation>Reason for viewing (recorded in the audit trail):</translation>
    </message>
    <message>
        <source>打印</source>
        <translation>Printed</translation>
    </message>
    <message>
        <source>导出</source>
        <translation>Exported</translation>
    </message>
    <message>
        <source>登录</source>
        <translation>Sign-in</translation>
    </message>
    <message>
        <source>账户与委托</source>
        <translation>Accounts and delegations</translation>
    </message>
    <message>
        <source>业务办理</source>
        <translation>Registration work</translation>
    </message>
    <message>
        <source>正在查询……</source>
        <translation>Searching…</translation>
    </message>
    <message>
        <source>正在导出……</source>
        <translation>Exporting…</translation>
    </message>
    <message>
        <source>事件日志完整性：正在检查……</source>
        <translation>Event journal integrity: checking…</translation>
    </message>
    <message>
        <source>事件日志完整性：正常（{time} 检查，校验链完整）</source>
        <translation>Event journal integrity: intact (checked {time}, hash chain unbroken)</translation>
    </message>
    <message>
        <source>共 {count} 条（最多显示500条，最新的在前）</source>
        <translation>{count} entries (at most 500 shown, newest first)</translation>
    </message>
    <message>
        <source>已导出 {rows} 条到 {path}</source>
        <translation>Exported {rows} entries to {path}</translation>
    </message>
    <message>
        <source>事件日志完整性检查未能完成：{reason}</source>
        <translation>The event journal integrity check could not finish: {reason}</translation>
    </message>
    <message>
        <source>导出审计记录</source>
        <translation>Export the audit trail</translation>
    </message>
    <message>
        <source>导出事由（将记入审计记录）：</source>
        <translation>Reason for the export (recorded in the audit trail):</translation>
    </message>
    <message>
        <source>CSV 文件 (*.csv)</source>
        <translation>CSV files (*.csv)</translation>
    </message>
</context>
<context>
    <name>CardReaders</name>
    <message>
        <source>请将证件放在阅读器上</source>
        <translation>Place the document on the reader</translation>
    </message>
    <message>
        <source>读卡器不可用，请在设置页检查阅读器设置</source>
        <translation>Card readers unavailable; check the reader settings on the Settings page</translation>
    </message>
    <message>
        <source>未配置读卡器，请在设置页添加阅读器</source>
        <translation>No card reader configured; add one on the Settings page</translation>
    </message>
    <message>
        <source>读卡器：正在启动演示设备……</source>
        <translation>Card reader: starting the demo devices…</translation>
    </message>
    <message>
        <source>社保卡演示不可用：{reason}</source>
        <translation>Social security card demo unavailable: {reason}</translation>
    </message>
    <message>
        <source>演示读卡器未能启动：{reason}</source>
        <translation>The demo card reader did not start: {reason}</translation>
    </message>
</context>
<context>
    <name>CommitmentScanner</name>
    <message>
        <source>本地数据库尚未打开，请稍后再扫描</source>
        <translation>The local database is not open yet; please scan again in a moment</translation>
    </message>
    <message>
        <source>登记编号 {number}（{name}）的承诺书此前已记录为已签署</source>
        <translation>The commitment letter of registration {number} ({name}) was already recorded as signed</translation>
    </message>
    <message>
        <source>已记录登记编号 {number}（{name}）的承诺书已签署</source>
        <translation>Recorded the signed commitment letter of registration {number} ({name})</translation>
    </message>
    <message>
        <source>扫描承诺书</source>
        <translation>Scan commitment letter</translation>
    </message>
</context>
<context>
    <name>ConflictCaseModel</name>
    <message>
        <source>登记编号</source>
        <translation>Registration no.</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>冲突窗口</source>
        <translation>Clashing counters</translation>
    </message>
    <message>
        <source>最近冲突</source>
        <translation>Latest clash</translation>
    </message>
    <message>
        <source>待处理</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>{count} 处</source>
        <translation>{count}</translation>
    </message>
</context>
<context>
    <name>ConflictEventModel</name>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>窗口</source>
        <translation>Counter</translation>
    </message>
    <message>
        <source>经办人</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <source>操作</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>内容</source>
        <translation>Content</translation>
    </message>
    <message>
        <source>与其他窗口的记录冲突</source>
        <translation>Contradicts another counter&apos;s record</translation>
    </message>
</context>
<context>
    <name>ConflictsPage</name>
    <message>
        <source>冲突复核 — 不同窗口的记录相互矛盾的登记</source>
        <translation>Conflict review — registrations whose records from different counters contradict each other</translation>
    </message>
    <message>
        <source>刷新（F5）</source>
        <translation>Refresh (F5)</translation>
    </message>
    <message>
        <source>处理意见：以哪条记录为准、是否已与相关窗口核对、后续如何处理</source>
        <translation>Resolution: which record stands, whether it was checked with the other counter, what happens next</translation>
    </message>
    <message>
        <source>记录处理意见并标记为已处理</source>
        <translation>Record the resolution and mark it resolved</translation>
    </message>
    <message>
        <source>冲突说明</source>
        <translation>What clashed</translation>
    </message>
    <message>
        <source>该登记的全部记录（红色为冲突的记录）</source>
        <translation>Every record of this registration (clashing ones in red)</translation>
    </message>
    <message>
        <source>正在打开本地数据库……</source>
        <translation>Opening the local database…</translation>
    </message>
    <message>
        <source>共 {count} 件待复核</source>
        <translation>{count} to review</translation>
    </message>
    <message>
        <source>没有待复核的冲突记录</source>
        <translation>No conflicting records to review</translation>
    </message>
    <message>
        <source>冲突记录读取失败：{reason}</source>
        <translation>Could not read the conflicting records: {reason}</translation>
    </message>
    <message>
        <source>登记 {number} 的冲突已处理</source>
        <translation>The conflict of registration {number} is resolved</translation>
    </message>
</context>
<context>
    <name>CounterLock</name>
    <message>
        <source>锁定屏幕</source>
        <translation>Lock screen</translation>
    </message>
    <message>
        <source>账户数据读取失败：{reason}</source>
        <translation>Could not read the accounts: {reason}</translation>
    </message>
</context>
<context>
    <name>DemoDevices</name>
    <message>
        <source>（长期有效）</source>
        <translation> (no expiry)</translation>
    </message>
    <message>
        <source>（2017年版）</source>
        <translation> (2017 edition)</translation>
    </message>
    <message>
        <source>（2023年版）</source>
        <translation> (2023 edition)</translation>
    </message>
    <message>
        <source>演示(&amp;D)</source>
        <translation>&amp;Demo</translation>
    </message>
    <message>
        <source>放置演示卡片</source>
        <translation>Place a demo card</translation>
    </message>
    <message>
        <source>取走卡片</source>
        <translation>Remove the card</translation>
    </message>
    <message>
        <source>插入演示社保卡</source>
        <translation>Insert a demo social security card</translation>
    </message>
    <message>
        <source>取出社保卡</source>
        <translation>Remove the social security card</translation>
    </message>
    <message>
        <source>社保卡演示不可用：{reason}</source>
        <translation>Social security card demo unavailable: {reason}</translation>
    </message>
    <message>
        <source>演示身份证阅读器已接入</source>
        <translation>Demo ID card reader connected</translation>
    </message>
</context>
<context>
    <name>DengjiStatusBar</name>
    <message>
        <source>演示模式</source>
        <translation>Demo mode</translation>
    </message>
    <message>
        <source>演示模式：数据为演示数据，读卡器为模拟设备</source>
        <translation>Demo mode: the data are demo data and the card readers are emulated</translation>
    </message>
    <message>
        <source>离线（未配置中心数据库）</source>
        <translation>offline (no central database configured)</translation>
    </message>
    <message>
        <source>窗口：{name}</source>
        <translation>Counter: {name}</translation>
    </message>
    <message>
        <source>未登录</source>
        <translation>not signed in</translation>
    </message>
    <message>
        <source>经办人：{name}</source>
        <translation>Clerk: {name}</translation>
    </message>
    <message>
        <source>读卡器：未配置</source>
        <translation>Card reader: not configured</translation>
    </message>
    <message>
        <source>读卡器：不可用</source>
        <translation>Card reader: unavailable</translation>
    </message>
    <message>
        <source>读卡器：正在连接……</source>
        <translation>Card reader: connecting…</translation>
    </message>
    <message>
        <source>读卡器</source>
        <translation>Card readers</translation>
    </message>
    <message>
        <source>{family}：已连接</source>
        <translation>{family}: connected</translation>
    </message>
    <message>
        <source>{family}未连接</source>
        <translation>{family} not connected</translation>
    </message>
    <message>
        <source>{family}：{connected}/{total} 台已连接</source>
        <translation>{family}: {connected}/{total} connected</translation>
    </message>
    <message>
        <source>已连接</source>
        <translation>Connected</translation>
    </message>
    <message>
        <source>已读卡：{name}（{kind}）</source>
        <translation>Card read: {name} ({kind})</translation>
    </message>
    <message>
        <source>已读社保卡 {number}，请放置身份证读取其余信息</source>
        <translation>Social security card {number} read; place the ID card to read the rest</translation>
    </message>
    <message>
        <source>同步：{state}</source>
        <translation>Sync: {state}</translation>
    </message>
    <message>
        <source>同步：{state}，待上传 {count} 条</source>
        <translation>Sync: {state}, {count} waiting to upload</translation>
    </message>
</context>
<context>
    <name>DeregistrationDialog</name>
    <message>
        <source>注销失业登记</source>
        <translation>Deregister unemployment registration</translation>
    </message>
    <message>
        <source>证明材料或核实情况，如：养老保险待遇核定通知书、录用通知、死亡证明</source>
        <translation>Evidence or findings, e.g. pension award notice, offer letter, death certificate</translation>
    </message>
    <message>
        <source>元/月</source>
        <translation>yuan/month</translation>
    </message>
    <message>
        <source>其他说明（可不填）</source>
        <translation>Other notes (optional)</translation>
    </message>
    <message>
        <source>确认注销（Ctrl+Enter）</source>
        <translation>Confirm deregistration (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>打印注销告知书</source>
        <translation>Print deregistration notice</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>注销原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>注销日期</source>
        <translation>Deregistration date</translation>
    </message>
    <message>
        <source>依据</source>
        <translation>Evidence</translation>
    </message>
    <message>
        <source>月收入</source>
        <translation>Monthly income</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>请选择注销原因</source>
        <translation>Please choose a reason</translation>
    </message>
    <message>
        <source>注销日期「{text}」不是有效日期，请按 2026-11-26 的格式填写</source>
        <translation>Deregistration date &quot;{text}&quot; is not a valid date; use the form 2026-11-26</translation>
    </message>
    <message>
        <source>正在注销……</source>
        <translation>Deregistering…</translation>
    </message>
    <message>
        <source>注销后以适当方式告知本人：可打印注销告知书</source>
        <translation>The person is told after deregistration: the notice can be printed</translation>
    </message>
    <message>
        <source>按通知第五条，移居境外、被判刑收监执行、死亡及无法取得联系的不予告知</source>
        <translation>Under notice §5 no notice is given for emigration, imprisonment, death or loss of contact</translation>
    </message>
    <message>
        <source>记录与所选原因不符：</source>
        <translation>The record contradicts the chosen reason:</translation>
    </message>
    <message>
        <source>记录与所选原因无矛盾</source>
        <translation>Nothing in the record contradicts the chosen reason</translation>
    </message>
    <message>
        <source>无法核对记录：{reason}</source>
        <translation>Could not check the record: {reason}</translation>
    </message>
    <message>
        <source>无</source>
        <translation>none</translation>
    </message>
    <message>
        <source>登记编号 {number}&#x3000;登记日期 {registered}&#x3000;最近联系 {last}</source>
        <translation>Registration {number}  registered {registered}  last contact {last}</translation>
    </message>
    <message>
        <source>该登记当前不是“已登记”状态，不能注销</source>
        <translation>This registration is not in the registered state and cannot be deregistered</translation>
    </message>
    <message>
        <source>已注销。请打印注销告知书交本人（或邮寄）。</source>
        <translation>Deregistered. Please print the notice for the person (or post it).</translation>
    </message>
    <message>
        <source>已注销。按通知第五条，此情形不予告知，无需打印注销告知书。</source>
        <translation>Deregistered. Under notice §5 no notice is given in this case.</translation>
    </message>
    <message>
        <source>未注销：记录与所选原因不符，请补充依据或改选原因</source>
        <translation>Not deregistered: the record contradicts the reason; add evidence or choose another reason</translation>
    </message>
    <message>
        <source>未注销：{reason}</source>
        <translation>Not deregistered: {reason}</translation>
    </message>
    <message>
        <source>确认注销须由审核人员办理</source>
        <translation>Deregistration is confirmed by a reviewer</translation>
    </message>
</context>
<context>
    <name>DeregistrationPage</name>
    <message>
        <source>刷新（F5）</source>
        <translation>Refresh (F5)</translation>
    </message>
    <message>
        <source>其他情形的注销：在“查询”中找到人员，打开人员档案后点“注销”</source>
        <translation>Other deregistrations: find the person in Search, open the record and click Deregister</translation>
    </message>
    <message>
        <source>注销失业登记</source>
        <translation>Deregister unemployment registration</translation>
    </message>
</context>
<context>
    <name>DocumentDialog</name>
    <message>
        <source>就业失业登记表</source>
        <translation>Employment and Unemployment Registration Form</translation>
    </message>
    <message>
        <source>书面承诺书</source>
        <translation>Written commitment</translation>
    </message>
    <message>
        <source>注销告知书</source>
        <translation>Deregistration notice</translation>
    </message>
    <message>
        <source>政策清单</source>
        <translation>Policy list</translation>
    </message>
    <message>
        <source>服务清单</source>
        <translation>Service list</translation>
    </message>
    <message>
        <source>公共就业服务机构清单</source>
        <translation>Public employment service agency list</translation>
    </message>
    <message>
        <source>就业失业登记工作联络表</source>
        <translation>Registration work contact sheet</translation>
    </message>
    <message>
        <source>打印预览 — {title}</source>
        <translation>Print preview — {title}</translation>
    </message>
    <message>
        <source>正在查找打印机……</source>
        <translation>Looking for printers…</translation>
    </message>
    <message>
        <source>打印</source>
        <translation>Print</translation>
    </message>
    <message>
        <source>另存为PDF</source>
        <translation>Save as PDF</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>正在生成《{title}》……</source>
        <translation>Building “{title}”…</translation>
    </message>
    <message>
        <source>打印机：</source>
        <translation>Printer:</translation>
    </message>
    <message>
        <source>正在打印到 {printer}……</source>
        <translation>Printing on {printer}…</translation>
    </message>
    <message>
        <source>无法显示 PDF</source>
        <translation>Cannot show the PDF</translation>
    </message>
    <message>
        <source>共 {pages} 页</source>
        <translation>{pages} page(s)</translation>
    </message>
    <message>
        <source>登记编号：{number}</source>
        <translation>Registration no.: {number}</translation>
    </message>
    <message>
        <source>模板版本：{version}</source>
        <translation>Template version: {version}</translation>
    </message>
    <message>
        <source>无法生成文书：{reason}</source>
        <translation>Cannot make the document: {reason}</translation>
    </message>
    <message>
        <source>未找到打印机（可另存为PDF）</source>
        <translation>No printer found (save as PDF instead)</translation>
    </message>
    <message>
        <source>{name}（{state}）</source>
        <translation>{name} ({state})</translation>
    </message>
    <message>
        <source>无法读取打印机列表：{reason}</source>
        <translation>Cannot read the printer list: {reason}</translation>
    </message>
    <message>
        <source>已打印，正在记录……</source>
        <translation>Printed; recording…</translation>
    </message>
    <message>
        <source>已在 {printer} 打印，并已记录。</source>
        <translation>Printed on {printer} and recorded.</translation>
    </message>
    <message>
        <source>已打印，但打印记录未能保存：{reason}</source>
        <translation>Printed, but the print could not be recorded: {reason}</translation>
    </message>
    <message>
        <source>未能打印，未计为已打印：{reason}</source>
        <translation>Not printed, and not counted as printed: {reason}</translation>
    </message>
    <message>
        <source>PDF 文件 (*.pdf)</source>
        <translation>PDF files (*.pdf)</translation>
    </message>
    <message>
        <source>已保存：{path}</source>
        <translation>Saved: {path}</translation>
    </message>
    <message>
        <source>无法保存 PDF：{reason}</source>
        <translation>Cannot save the PDF: {reason}</translation>
    </message>
    <message>
        <source>正在打印，完成并记录后才能关闭。</source>
        <translation>Printing: the dialog can close once the print is done and recorded.</translation>
    </message>
</context>
<context>
    <name>DueModel</name>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>登记编号</source>
        <translation>Registration no.</translation>
    </message>
    <message>
        <source>登记日期</source>
        <translation>Registered</translation>
    </message>
    <message>
        <source>最近联系</source>
        <translation>Last contact</translation>
    </message>
    <message>
        <source>经办</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <source>逾期未联系</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <source>本月待联系</source>
        <translation>Due this month</translation>
    </message>
    <message>
        <source>无</source>
        <translation>none</translation>
    </message>
    <message>
        <source>本人</source>
        <translation>mine</translation>
    </message>
</context>
<context>
    <name>FollowupPage</name>
    <message>
        <source>每月联系</source>
        <translation>Monthly contact</translation>
    </message>
    <message>
        <source>注销建议</source>
        <translation>Deregistration proposals</translation>
    </message>
    <message>
        <source>刷新（F5）</source>
        <translation>Refresh (F5)</translation>
    </message>
    <message>
        <source>通知第五条：每月至少联系1次；↑↓选人，Enter 填写，Ctrl+Enter 保存</source>
        <translation>Notice §5: at least one contact a month; ↑↓ pick, Enter fill in, Ctrl+Enter save</translation>
    </message>
    <message>
        <source>服务跟踪</source>
        <translation>Follow-up</translation>
    </message>
</context>
<context>
    <name>ListsPage</name>
    <message>
        <source>政策清单</source>
        <translation>Policy list</translation>
    </message>
    <message>
        <source>服务清单</source>
        <translation>Service list</translation>
    </message>
    <message>
        <source>公共就业服务机构清单</source>
        <translation>Public employment service agency list</translation>
    </message>
    <message>
        <source>按通知第四条，向登记失业人员提供政策清单、服务清单和公共就业服务机构清单。停用的条目不再打印，但保留在记录中。</source>
        <translation>Under section 4 of the notice, registered unemployed workers are given the policy list, the service list and the list of public employment service agencies. Deactivated rows are no longer printed but stay on record.</translation>
    </message>
    <message>
        <source>正在打开本地数据库……</source>
        <translation>Opening the local database…</translation>
    </message>
    <message>
        <source>清单读取失败：{reason}</source>
        <translation>Could not read the lists: {reason}</translation>
    </message>
    <message>
        <source>未保存：{reason}</source>
        <translation>Not saved: {reason}</translation>
    </message>
</context>
<context>
    <name>LockCover</name>
    <message>
        <source>请登录后使用</source>
        <translation>Please sign in</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>屏幕已锁定 — 请登录</source>
        <translation>Screen locked — please sign in</translation>
    </message>
    <message>
        <source>失业登记 — 登录</source>
        <translation>Unemployment registration — sign in</translation>
    </message>
    <message>
        <source>屏幕已锁定（{name}离开了窗口），请登录</source>
        <translation>Screen locked ({name} left the counter); please sign in</translation>
    </message>
    <message>
        <source>请登录：{counter}</source>
        <translation>Sign in: {counter}</translation>
    </message>
    <message>
        <source>本机尚无管理员账户。请创建管理员账户：系统将生成一次性初始密码，管理员首次登录时须改为自己的密码。</source>
        <translation>This computer has no administrator account yet. Create one: the program makes a one-time password, which the administrator must replace with their own at the first sign-in.</translation>
    </message>
    <message>
        <source>系统管理员</source>
        <translation>System administrator</translation>
    </message>
    <message>
        <source>创建管理员</source>
        <translation>Create administrator</translation>
    </message>
    <message>
        <source>用户名</source>
        <translation>User name</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>登录</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <source>演示模式：点选一个演示账户即填入用户名和密码，双击直接登录。</source>
        <translation>Demo mode: click a demo account to fill in its user name and password, double-click to sign in at once.</translation>
    </message>
    <message>
        <source>角色</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>首次登录或密码被重置后，须设置自己的新密码：至少8个字符，含字母、数字、符号中的至少两类，不能包含用户名或姓名。</source>
        <translation>At the first sign-in or after a reset, choose your own password: at least 8 characters, with at least two of letters, digits and symbols, not containing your user name or name.</translation>
    </message>
    <message>
        <source>设置新密码</source>
        <translation>Set new password</translation>
    </message>
    <message>
        <source>新密码</source>
        <translation>New password</translation>
    </message>
    <message>
        <source>再次输入</source>
        <translation>Repeat</translation>
    </message>
    <message>
        <source>请输入用户名和密码</source>
        <translation>Enter your user name and password</translation>
    </message>
    <message>
        <source>正在登录……</source>
        <translation>Signing in…</translation>
    </message>
    <message>
        <source>两次输入的新密码不一致</source>
        <translation>The two new passwords differ</translation>
    </message>
    <message>
        <source>已创建管理员账户 {username}，一次性初始密码：{password}
请记下并交给管理员本人；首次登录时须修改密码。</source>
        <translation>Administrator account {username} created; one-time password: {password}
Write it down and give it to the administrator in person; it must be changed at the first sign-in.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>查询</source>
        <translation>Search</translation>
    </message>
    <message>
        <source>受理登记</source>
        <translation>Applications</translation>
    </message>
    <message>
        <source>待办</source>
        <translation>To do</translation>
    </message>
    <message>
        <source>服务跟踪</source>
        <translation>Services</translation>
    </message>
    <message>
        <source>注销</source>
        <translation>Deregistration</translation>
    </message>
    <message>
        <source>统计</source>
        <translation>Statistics</translation>
    </message>
    <message>
        <source>清单</source>
        <translation>Lists</translation>
    </message>
    <message>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>审计</source>
        <translation>Audit</translation>
    </message>
    <message>
        <source>冲突复核</source>
        <translation>Conflicts</translation>
    </message>
    <message>
        <source>失业登记 — {counter}</source>
        <translation>Unemployment Registration — {counter}</translation>
    </message>
    <message>
        <source>离线（尚未连接中心数据库）</source>
        <translation>offline (not yet connected to the central database)</translation>
    </message>
    <message>
        <source>无法统计待上传事件：{reason}</source>
        <translation>Cannot count the events waiting to upload: {reason}</translation>
    </message>
</context>
<context>
    <name>MonthlyContactPanel</name>
    <message>
        <source>本人经办</source>
        <translation>Mine</translation>
    </message>
    <message>
        <source>全窗口</source>
        <translation>Whole counter</translation>
    </message>
    <message>
        <source>待联系和逾期</source>
        <translation>Due and overdue</translation>
    </message>
    <message>
        <source>仅逾期</source>
        <translation>Overdue only</translation>
    </message>
    <message>
        <source>按姓名或登记编号筛选</source>
        <translation>Filter by name or registration number</translation>
    </message>
    <message>
        <source>人员档案（Ctrl+O）</source>
        <translation>Person record (Ctrl+O)</translation>
    </message>
    <message>
        <source>正在打开本地数据库……</source>
        <translation>Opening the local database…</translation>
    </message>
    <message>
        <source>{month}&#x3000;本人：{mine} 人（逾期 {mine_overdue}）&#x3000;全窗口：{all} 人（逾期 {all_overdue}）</source>
        <translation>{month}  Mine: {mine} ({mine_overdue} overdue)  Counter: {all} ({all_overdue} overdue)</translation>
    </message>
    <message>
        <source>联系名单读取失败：{reason}</source>
        <translation>Could not read the contact list: {reason}</translation>
    </message>
    <message>
        <source>没有符合筛选条件的人员</source>
        <translation>Nobody matches the filter</translation>
    </message>
    <message>
        <source>本月应联系的人员都已联系</source>
        <translation>Everyone due this month has been contacted</translation>
    </message>
    <message>
        <source>在左侧选择一名人员</source>
        <translation>Pick a person on the left</translation>
    </message>
    <message>
        <source>无</source>
        <translation>none</translation>
    </message>
    <message>
        <source>{name}&#x3000;{number}
最近联系：{last}</source>
        <translation>{name}  {number}
Last contact: {last}</translation>
    </message>
</context>
<context>
    <name>PdfPreview</name>
    <message>
        <source>上一页</source>
        <translation>Previous page</translation>
    </message>
    <message>
        <source>下一页</source>
        <translation>Next page</translation>
    </message>
    <message>
        <source>缩小</source>
        <translation>Zoom out</translation>
    </message>
    <message>
        <source>放大</source>
        <translation>Zoom in</translation>
    </message>
    <message>
        <source>适合宽度</source>
        <translation>Fit width</translation>
    </message>
    <message>
        <source>整页</source>
        <translation>Whole page</translation>
    </message>
    <message>
        <source>无法显示 PDF：文件已损坏或不是 PDF</source>
        <translation>Cannot show the PDF: the file is damaged or not a PDF</translation>
    </message>
    <message>
        <source>第 %1 页 / 共 %2 页</source>
        <translation>Page %1 of %2</translation>
    </message>
    <message>
        <source>无文档</source>
        <translation>No document</translation>
    </message>
</context>
<context>
    <name>PersonRecordDialog</name>
    <message>
        <source>人员档案</source>
        <translation>Person record</translation>
    </message>
    <message>
        <source>查看完整信息</source>
        <translation>Show full details</translation>
    </message>
    <message>
        <source>显示完整证件号码和联系电话（记入审计记录）</source>
        <translation>Show the whole ID number and phone (recorded in the audit trail)</translation>
    </message>
    <message>
        <source>已标记：登记所依据的信息不实（纳入人社信用体系）</source>
        <translation>Marked: the registration rests on false information (HR social security credit system)</translation>
    </message>
    <message>
        <source>记录联系</source>
        <translation>Record contact</translation>
    </message>
    <message>
        <source>记录服务</source>
        <translation>Record service</translation>
    </message>
    <message>
        <source>拒绝服务</source>
        <translation>Refusal</translation>
    </message>
    <message>
        <source>注销…</source>
        <translation>Deregister…</translation>
    </message>
    <message>
        <source>打印/预览</source>
        <translation>Print/preview</translation>
    </message>
    <message>
        <source>打印政策、服务、机构三张清单（记为一次服务）及文书</source>
        <translation>Print the policy, service and agency lists (recorded as a service) and documents</translation>
    </message>
    <message>
        <source>刷新（F5）</source>
        <translation>Refresh (F5)</translation>
    </message>
    <message>
        <source>服务与经历</source>
        <translation>Services and history</translation>
    </message>
    <message>
        <source>登记编号</source>
        <translation>Registration no.</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>受理日期</source>
        <translation>Applied</translation>
    </message>
    <message>
        <source>登记日期</source>
        <translation>Registered</translation>
    </message>
    <message>
        <source>最近联系</source>
        <translation>Last contact</translation>
    </message>
    <message>
        <source>注销日期</source>
        <translation>Deregistration date</translation>
    </message>
    <message>
        <source>注销原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>登记记录</source>
        <translation>Registrations</translation>
    </message>
    <message>
        <source>分级分类</source>
        <translation>Service tier</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>与规则确定的等级不同时必须填写理由</source>
        <translation>Required when differing from the rules&apos; tier</translation>
    </message>
    <message>
        <source>设定服务等级</source>
        <translation>Set service tier</translation>
    </message>
    <message>
        <source>当前等级</source>
        <translation>Current tier</translation>
    </message>
    <message>
        <source>规则建议</source>
        <translation>Rules suggest</translation>
    </message>
    <message>
        <source>设定为</source>
        <translation>Set to</translation>
    </message>
    <message>
        <source>改定理由</source>
        <translation>Override reason</translation>
    </message>
    <message>
        <source>本人的角色不能查看完整证件号码和联系电话</source>
        <translation>Your role may not see whole ID numbers and phone numbers</translation>
    </message>
    <message>
        <source>人员档案 — {name}</source>
        <translation>Person record — {name}</translation>
    </message>
    <message>
        <source>{birth}（{age}岁）</source>
        <translation>{birth} (age {age})</translation>
    </message>
    <message>
        <source>电话 {phone}</source>
        <translation>Phone {phone}</translation>
    </message>
    <message>
        <source>当前无有效失业登记（最近一次：{status}）</source>
        <translation>No registration in force (latest: {status})</translation>
    </message>
    <message>
        <source>无</source>
        <translation>none</translation>
    </message>
    <message>
        <source>未设定</source>
        <translation>not set</translation>
    </message>
    <message>
        <source>已登记 {number}（{registered}）&#x3000;服务等级：{tier}&#x3000;最近联系：{last}</source>
        <translation>Registered {number} ({registered})  Tier: {tier}  Last contact: {last}</translation>
    </message>
    <message>
        <source>无有效登记，不设服务等级</source>
        <translation>No registration in force, no tier</translation>
    </message>
    <message>
        <source>{tier}（{day} 由 {clerk} 设定）</source>
        <translation>{tier} (set {day} by {clerk})</translation>
    </message>
    <message>
        <source>；改定理由：{reason}</source>
        <translation>; override reason: {reason}</translation>
    </message>
    <message>
        <source>尚未设定</source>
        <translation>Not set yet</translation>
    </message>
    <message>
        <source>档案读取失败：{reason}</source>
        <translation>Could not read the record: {reason}</translation>
    </message>
    <message>
        <source>已显示完整信息（已记入审计记录）</source>
        <translation>Full details shown (recorded in the audit trail)</translation>
    </message>
    <message>
        <source>就业援助</source>
        <translation>Employment aid</translation>
    </message>
    <message>
        <source>本人的角色不能记录服务和联系</source>
        <translation>Your role may not record services and contacts</translation>
    </message>
    <message>
        <source>确认注销须由审核人员办理</source>
        <translation>Deregistration is confirmed by a reviewer</translation>
    </message>
</context>
<context>
    <name>PrinterChooser</name>
    <message>
        <source>正在查找打印机……</source>
        <translation>Looking for printers…</translation>
    </message>
    <message>
        <source>{name}（{state}）</source>
        <translation>{name} ({state})</translation>
    </message>
    <message>
        <source>未找到打印机</source>
        <translation>No printer found</translation>
    </message>
    <message>
        <source>无法读取打印机列表：{reason}</source>
        <translation>Cannot read the printer list: {reason}</translation>
    </message>
</context>
<context>
    <name>ProposalModel</name>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>登记编号</source>
        <translation>Registration no.</translation>
    </message>
    <message>
        <source>注销原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>依据</source>
        <translation>Evidence</translation>
    </message>
    <message>
        <source>（待核实）{reason}</source>
        <translation>(to check) {reason}</translation>
    </message>
</context>
<context>
    <name>RecordForms</name>
    <message>
        <source>已联系上本人</source>
        <translation>Reached the person</translation>
    </message>
    <message>
        <source>就业失业情况、求职进展等（可不填）</source>
        <translation>Employment situation, job search (optional)</translation>
    </message>
    <message>
        <source>保存联系（Ctrl+Enter）</source>
        <translation>Save contact (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>联系日期</source>
        <translation>Contact date</translation>
    </message>
    <message>
        <source>联系方式</source>
        <translation>Method</translation>
    </message>
    <message>
        <source>情况</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>联系（Alt+1）</source>
        <translation>Contact (Alt+1)</translation>
    </message>
    <message>
        <source>服务内容（必填）</source>
        <translation>Service content (required)</translation>
    </message>
    <message>
        <source>结果或后续跟进</source>
        <translation>Result or follow-up</translation>
    </message>
    <message>
        <source>保存服务（Ctrl+Enter）</source>
        <translation>Save service (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>服务日期</source>
        <translation>Service date</translation>
    </message>
    <message>
        <source>服务类别</source>
        <translation>Service</translation>
    </message>
    <message>
        <source>服务内容</source>
        <translation>Content</translation>
    </message>
    <message>
        <source>用人单位</source>
        <translation>Employer</translation>
    </message>
    <message>
        <source>推荐岗位</source>
        <translation>Post referred</translation>
    </message>
    <message>
        <source>培训项目</source>
        <translation>Training project</translation>
    </message>
    <message>
        <source>服务结果</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>服务（Alt+2）</source>
        <translation>Service (Alt+2)</translation>
    </message>
    <message>
        <source>有正当理由（不计入连续拒绝次数）</source>
        <translation>Valid reason (not counted as a refusal in a row)</translation>
    </message>
    <message>
        <source>本人所说的理由</source>
        <translation>The person&apos;s reason</translation>
    </message>
    <message>
        <source>保存拒绝记录（Ctrl+Enter）</source>
        <translation>Save refusal (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>拒绝的服务</source>
        <translation>Service refused</translation>
    </message>
    <message>
        <source>理由</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>拒绝服务（Alt+3）</source>
        <translation>Refusal (Alt+3)</translation>
    </message>
    <message>
        <source>本人的角色不能记录服务和联系</source>
        <translation>Your role may not record services and contacts</translation>
    </message>
    <message>
        <source>{what}「{text}」不是有效日期，请按 2026-11-26 的格式填写</source>
        <translation>{what} &quot;{text}&quot; is not a valid date; use the form 2026-11-26</translation>
    </message>
</context>
<context>
    <name>ReferenceEntryDialog</name>
    <message>
        <source>新增{list}条目</source>
        <translation>New row of the {list}</translation>
    </message>
    <message>
        <source>编辑{list}条目</source>
        <translation>Edit row of the {list}</translation>
    </message>
    <message>
        <source>：</source>
        <translation>:</translation>
    </message>
    <message>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>ReferenceListModel</name>
    <message>
        <source>启用</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>已停用</source>
        <translation>Deactivated</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
</context>
<context>
    <name>ReferenceListTab</name>
    <message>
        <source>新增</source>
        <translation>Add</translation>
    </message>
    <message>
        <source>编辑</source>
        <translation>Edit</translation>
    </message>
    <message>
        <source>停用</source>
        <translation>Deactivate</translation>
    </message>
    <message>
        <source>预览打印</source>
        <translation>Preview and print</translation>
    </message>
    <message>
        <source>显示已停用</source>
        <translation>Show deactivated</translation>
    </message>
    <message>
        <source>选择一行，这里显示它的全文</source>
        <translation>Select a row to see its full text here</translation>
    </message>
    <message>
        <source>共 {active} 条（另有 {inactive} 条已停用）</source>
        <translation>{active} rows ({inactive} more deactivated)</translation>
    </message>
    <message>
        <source>共 {active} 条</source>
        <translation>{active} rows</translation>
    </message>
    <message>
        <source>启用</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>已停用</source>
        <translation>Deactivated</translation>
    </message>
</context>
<context>
    <name>SearchModels</name>
    <message>
        <source>已受理待核实</source>
        <translation>Applied, awaiting verification</translation>
    </message>
    <message>
        <source>已核实</source>
        <translation>Verified</translation>
    </message>
    <message>
        <source>已登记</source>
        <translation>Registered</translation>
    </message>
    <message>
        <source>不予登记</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <source>已注销</source>
        <translation>Deregistered</translation>
    </message>
    <message>
        <source>无登记记录</source>
        <translation>No registration</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>证件号码</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>性别</source>
        <translation>Sex</translation>
    </message>
    <message>
        <source>出生日期</source>
        <translation>Date of birth</translation>
    </message>
    <message>
        <source>联系电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>常住地</source>
        <translation>Residence</translation>
    </message>
    <message>
        <source>登记编号</source>
        <translation>Registration no.</translation>
    </message>
    <message>
        <source>登记状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>事项</source>
        <translation>Event</translation>
    </message>
    <message>
        <source>经办人</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <source>摘要</source>
        <translation>Summary</translation>
    </message>
</context>
<context>
    <name>SearchPage</name>
    <message>
        <source>正在打开本地数据库……</source>
        <translation>Opening the local database…</translation>
    </message>
    <message>
        <source>输入身份证号码、姓名或手机号码查询（Ctrl+F）</source>
        <translation>Search by ID number, name or mobile number (Ctrl+F)</translation>
    </message>
    <message>
        <source>Enter 或双击打开人员档案</source>
        <translation>Enter or double click opens the person record</translation>
    </message>
    <message>
        <source>输入身份证号码、姓名或手机号码开始查询</source>
        <translation>Type an ID number, a name or a mobile number to search</translation>
    </message>
    <message>
        <source>登记记录</source>
        <translation>Registration history</translation>
    </message>
    <message>
        <source>打印/预览</source>
        <translation>Print/Preview</translation>
    </message>
    <message>
        <source>预览并打印所选人员的文书和清单</source>
        <translation>Preview and print the selected person&apos;s documents and lists</translation>
    </message>
    <message>
        <source>选择一名人员后，这里显示其登记记录</source>
        <translation>Select a person to see their registration history here</translation>
    </message>
    <message>
        <source>读卡：{name}（{kind}）</source>
        <translation>Card: {name} ({kind})</translation>
    </message>
    <message>
        <source>未找到该人员的登记记录，可在受理登记页受理</source>
        <translation>No registration found for this person; apply on the Registration page</translation>
    </message>
    <message>
        <source>未找到</source>
        <translation>Not found</translation>
    </message>
    <message>
        <source>未找到匹配的人员</source>
        <translation>No matching person found</translation>
    </message>
    <message>
        <source>仅显示前 {count} 人，请输入更完整的条件</source>
        <translation>Showing the first {count} only; type more to narrow the search</translation>
    </message>
    <message numerus="yes">
        <source>共找到 %n 人</source>
        <translation>
            <numerusform>Found %n person</numerusform>
            <numerusform>Found %n people</numerusform>
        </translation>
    </message>
    <message>
        <source>查询失败</source>
        <translation>Search failed</translation>
    </message>
    <message>
        <source>查询失败：{reason}</source>
        <translation>Search failed: {reason}</translation>
    </message>
    <message>
        <source>身份证号码有误：{reason}</source>
        <translation>ID number is wrong: {reason}</translation>
    </message>
    <message>
        <source>正在读取登记记录……</source>
        <translation>Reading the registration history…</translation>
    </message>
    <message>
        <source>暂无登记记录</source>
        <translation>No registration history yet</translation>
    </message>
    <message>
        <source>登记记录读取失败：{reason}</source>
        <translation>Could not read the registration history: {reason}</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>读卡器设置</source>
        <translation>Card reader settings</translation>
    </message>
    <message>
        <source>读卡器</source>
        <translation>Card readers</translation>
    </message>
    <message>
        <source>驱动</source>
        <translation>Driver</translation>
    </message>
    <message>
        <source>端口 / 读卡器</source>
        <translation>Port / reader</translation>
    </message>
    <message>
        <source>厂商库</source>
        <translation>Vendor library</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>端口：串口身份证阅读器填串口（如 /dev/ttyUSB0、COM3）；厂商库填端口号（USB 1001–1016，留空自动查找）；社保卡读卡器填 PC/SC 读卡器名称（留空用第一台）。</source>
        <translation>Port: for a serial ID card reader the serial port (e.g. /dev/ttyUSB0, COM3); for a vendor library the port number (USB 1001–1016, blank to search); for a social security card reader the PC/SC reader name (blank for the first one).</translation>
    </message>
    <message>
        <source>添加</source>
        <translation>Add</translation>
    </message>
    <message>
        <source>删除</source>
        <translation>Remove</translation>
    </message>
    <message>
        <source>自动检测身份证阅读器</source>
        <translation>Detect ID card readers</translation>
    </message>
    <message>
        <source>向各串口发送 SAM 状态查询，找出身份证阅读器（不读卡）</source>
        <translation>Send a SAM status query to each serial port to find ID card readers (no card is read)</translation>
    </message>
    <message>
        <source>列出社保卡读卡器</source>
        <translation>List social security card readers</translation>
    </message>
    <message>
        <source>添加所选</source>
        <translation>Add selected</translation>
    </message>
    <message>
        <source>检测结果：</source>
        <translation>Detected:</translation>
    </message>
    <message>
        <source> 毫秒</source>
        <translation> ms</translation>
    </message>
    <message>
        <source>多久查看一次阅读器上是否有卡；越短读卡越快</source>
        <translation>How often to check for a card on the reader; shorter reads faster</translation>
    </message>
    <message>
        <source>读卡间隔：</source>
        <translation>Poll interval:</translation>
    </message>
    <message>
        <source>读卡测试</source>
        <translation>Test read</translation>
    </message>
    <message>
        <source>选中一台阅读器，点“读卡测试”后{seconds}秒内放上卡片。</source>
        <translation>Select a reader, click “Test read”, then place a card within {seconds} seconds.</translation>
    </message>
    <message>
        <source>读到的内容显示在这里</source>
        <translation>What is read is shown here</translation>
    </message>
    <message>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>请先选中要删除的阅读器</source>
        <translation>Select the reader to remove first</translation>
    </message>
    <message>
        <source>正在检测串口……</source>
        <translation>Checking serial ports…</translation>
    </message>
    <message>
        <source>正在查找社保卡读卡器……</source>
        <translation>Looking for social security card readers…</translation>
    </message>
    <message>
        <source>请先在检测结果中选中一台阅读器</source>
        <translation>Select a reader in the detection results first</translation>
    </message>
    <message>
        <source>请先选中要测试的阅读器</source>
        <translation>Select the reader to test first</translation>
    </message>
    <message>
        <source>正在读卡：请在{seconds}秒内把卡片放在「{reader}」上……</source>
        <translation>Reading: place the card on “{reader}” within {seconds} seconds…</translation>
    </message>
    <message>
        <source>未保存：只有管理员可以修改读卡器设置</source>
        <translation>Not saved: only an administrator may change the reader settings</translation>
    </message>
    <message>
        <source>未保存：</source>
        <translation>Not saved:</translation>
    </message>
    <message>
        <source>未保存：{reason}</source>
        <translation>Not saved: {reason}</translation>
    </message>
    <message>
        <source>已保存，读卡器按新设置重新连接</source>
        <translation>Saved; the card readers reconnect with the new settings</translation>
    </message>
    <message>
        <source>身份证阅读器（串口）</source>
        <translation>ID card reader (serial)</translation>
    </message>
    <message>
        <source>身份证阅读器（sdtapi 厂商库）</source>
        <translation>ID card reader (sdtapi vendor library)</translation>
    </message>
    <message>
        <source>身份证阅读器（termb 厂商库）</source>
        <translation>ID card reader (termb vendor library)</translation>
    </message>
    <message>
        <source>社保卡读卡器（PC/SC）</source>
        <translation>Social security card reader (PC/SC)</translation>
    </message>
    <message>
        <source>已存在</source>
        <translation>exists</translation>
    </message>
    <message>
        <source>尚未创建，保存时新建</source>
        <translation>not created yet; made when saved</translation>
    </message>
    <message>
        <source>配置文件：{path}（{state}）</source>
        <translation>Configuration file: {path} ({state})</translation>
    </message>
    <message>
        <source>演示模式：未配置阅读器时使用模拟读卡器，可在“演示”菜单中放置演示卡片。</source>
        <translation>Demo mode: with no reader configured, simulated readers are used; place demo cards from the “Demo” menu.</translation>
    </message>
    <message>
        <source>该阅读器已在列表中（第{row}行）</source>
        <translation>This reader is already in the list (row {row})</translation>
    </message>
    <message>
        <source>已添加，保存后生效</source>
        <translation>Added; takes effect once saved</translation>
    </message>
    <message>
        <source>没有可检测的串口</source>
        <translation>No serial port to check</translation>
    </message>
    <message>
        <source>找到 {count} 台身份证阅读器</source>
        <translation>Found {count} ID card reader(s)</translation>
    </message>
    <message>
        <source>未找到串口身份证阅读器：请检查连接，或使用厂商库驱动</source>
        <translation>No serial ID card reader found: check the connection, or use a vendor library driver</translation>
    </message>
    <message>
        <source>社保卡读卡器：{name}</source>
        <translation>Social security card reader: {name}</translation>
    </message>
    <message>
        <source>智能卡服务中没有读卡器</source>
        <translation>The smart card service has no readers</translation>
    </message>
    <message>
        <source>找到 {count} 台社保卡读卡器</source>
        <translation>Found {count} social security card reader(s)</translation>
    </message>
    <message>
        <source>检测失败：{reason}</source>
        <translation>Detection failed: {reason}</translation>
    </message>
    <message>
        <source>读卡成功：</source>
        <translation>Read:</translation>
    </message>
    <message>
        <source>读卡不完整：{reason}</source>
        <translation>Incomplete read: {reason}</translation>
    </message>
    <message>
        <source>读卡失败：{reason}</source>
        <translation>Read failed: {reason}</translation>
    </message>
</context>
<context>
    <name>StatisticsPage</name>
    <message>
        <source>自然月</source>
        <translation>Calendar month</translation>
    </message>
    <message>
        <source>上月21日至本月20日</source>
        <translation>21st of last month to 20th</translation>
    </message>
    <message>
        <source>统计</source>
        <translation>Compute</translation>
    </message>
    <message>
        <source>三统一校验</source>
        <translation>Consistency check</translation>
    </message>
    <message>
        <source>导出PDF</source>
        <translation>Export PDF</translation>
    </message>
    <message>
        <source>导出XLSX</source>
        <translation>Export XLSX</translation>
    </message>
    <message>
        <source>月报</source>
        <translation>Monthly report</translation>
    </message>
    <message>
        <source>图表</source>
        <translation>Charts</translation>
    </message>
    <message>
        <source>督查指标</source>
        <translation>Supervision</translation>
    </message>
    <message>
        <source>统计月份</source>
        <translation>Month</translation>
    </message>
    <message>
        <source>地区</source>
        <translation>Region</translation>
    </message>
    <message>
        <source>统计期</source>
        <translation>Period</translation>
    </message>
    <message>
        <source>按窗口</source>
        <translation>By counter</translation>
    </message>
    <message>
        <source>按县（区）</source>
        <translation>By county</translation>
    </message>
    <message>
        <source>按市（州）</source>
        <translation>By city</translation>
    </message>
    <message>
        <source>点击一个数字，查看其背后的明细</source>
        <translation>Click a number to see the cases behind it</translation>
    </message>
    <message>
        <source>汇总层级</source>
        <translation>Level</translation>
    </message>
    <message>
        <source>尚未校验。校验按事件日志重算每个数字，与系统数据和报表逐一核对。</source>
        <translation>Not checked yet. The check recomputes every figure from the journal and compares it with the system data and the report.</translation>
    </message>
    <message>
        <source>定稿</source>
        <translation>Finalise</translation>
    </message>
    <message>
        <source>每处差异须在「说明」列写明原因后方可定稿。</source>
        <translation>Write the reason for every difference in the &quot;Explanation&quot; column before finalising.</translation>
    </message>
    <message>
        <source>正在统计……</source>
        <translation>Computing…</translation>
    </message>
    <message>
        <source>正在按事件日志重算并核对……</source>
        <translation>Recomputing from the journal and comparing…</translation>
    </message>
    <message>
        <source>正在导出……</source>
        <translation>Exporting…</translation>
    </message>
    <message>
        <source>{region}{period}：期末城镇登记失业 {stock} 人，新增 {inflow} 人，注销 {outflow} 人</source>
        <translation>{region} {period}: {stock} registered urban unemployed at the end, {inflow} new, {outflow} deregistered</translation>
    </message>
    <message>
        <source>城镇登记失业人数趋势</source>
        <translation>Registered urban unemployed</translation>
    </message>
    <message>
        <source>期末人数</source>
        <translation>At month end</translation>
    </message>
    <message>
        <source>新增、注销登记及逾期办结</source>
        <translation>New registrations, deregistrations and late settlements</translation>
    </message>
    <message>
        <source>新增登记</source>
        <translation>New registrations</translation>
    </message>
    <message>
        <source>注销登记</source>
        <translation>Deregistrations</translation>
    </message>
    <message>
        <source>逾期办结</source>
        <translation>Settled late</translation>
    </message>
    <message>
        <source>{unit}「{indicator}」共 {count} 件：</source>
        <translation>{unit} &quot;{indicator}&quot;: {count} cases:</translation>
    </message>
    <message>
        <source>登记编号</source>
        <translation>Registration no.</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>证件号码</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>窗口</source>
        <translation>Counter</translation>
    </message>
    <message>
        <source>情况</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>差异及原因</source>
        <translation>Difference and reason</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Explanation</translation>
    </message>
    <message>
        <source>已导出：{path}</source>
        <translation>Exported: {path}</translation>
    </message>
    <message>
        <source>{period}月报已定稿</source>
        <translation>Monthly report of {period} finalised</translation>
    </message>
    <message>
        <source>PDF 文件 (*.pdf)</source>
        <translation>PDF files (*.pdf)</translation>
    </message>
    <message>
        <source>Excel 文件 (*.xlsx)</source>
        <translation>Excel files (*.xlsx)</translation>
    </message>
    <message>
        <source>导出月报</source>
        <translation>Export monthly report</translation>
    </message>
</context>
<context>
    <name>SweepProposalsPanel</name>
    <message>
        <source>系统每日比对记录提出的注销建议，须逐一核实后确认；Enter 打开注销办理</source>
        <translation>Proposals of the daily sweep; check and confirm each; Enter opens deregistration</translation>
    </message>
    <message>
        <source>核实并注销…</source>
        <translation>Check and deregister…</translation>
    </message>
    <message>
        <source>人员档案（Ctrl+O）</source>
        <translation>Person record (Ctrl+O)</translation>
    </message>
    <message>
        <source>正在打开本地数据库……</source>
        <translation>Opening the local database…</translation>
    </message>
    <message>
        <source>正在比对记录……</source>
        <translation>Checking the records…</translation>
    </message>
    <message>
        <source>没有待确认的注销建议</source>
        <translation>No proposals to confirm</translation>
    </message>
    <message>
        <source>确认注销须由审核人员办理</source>
        <translation>Deregistration is confirmed by a reviewer</translation>
    </message>
    <message>
        <source>注销建议 {count} 条（其中待核实 {warnings} 条）</source>
        <translation>{count} proposals ({warnings} to check)</translation>
    </message>
    <message>
        <source>注销建议读取失败：{reason}</source>
        <translation>Could not read the proposals: {reason}</translation>
    </message>
</context>
<context>
    <name>SyncController</name>
    <message>
        <source>离线（尚未连接中心数据库）</source>
        <translation>offline (not yet connected to the central database)</translation>
    </message>
    <message>
        <source>同步出错：{error}</source>
        <translation>Sync error: {error}</translation>
    </message>
    <message>
        <source>尚未同步</source>
        <translation>never synced</translation>
    </message>
    <message>
        <source>最近同步 {time}</source>
        <translation>last sync {time}</translation>
    </message>
    <message>
        <source>在线，{when}</source>
        <translation>online, {when}</translation>
    </message>
    <message>
        <source>离线，{when}；{error}</source>
        <translation>offline, {when}; {error}</translation>
    </message>
</context>
<context>
    <name>TodoModel</name>
    <message>
        <source>办结期限</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <source>剩余</source>
        <translation>Remaining</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>证件号码</source>
        <translation>Document number</translation>
    </message>
    <message>
        <source>登记编号</source>
        <translation>Registration number</translation>
    </message>
    <message>
        <source>渠道</source>
        <translation>Channel</translation>
    </message>
    <message>
        <source>受理日期</source>
        <translation>Accepted on</translation>
    </message>
    <message>
        <source>下一步</source>
        <translation>Next step</translation>
    </message>
    <message>
        <source>受委托机构：{agency}</source>
        <translation>Delegated agency: {agency}</translation>
    </message>
    <message>
        <source>不详</source>
        <translation>unknown</translation>
    </message>
    <message>
        <source>{due}（暂定）</source>
        <translation>{due} (provisional)</translation>
    </message>
    <message>
        <source>逾期 {days} 天</source>
        <translation>{days} day(s) overdue</translation>
    </message>
    <message>
        <source>今天到期</source>
        <translation>Due today</translation>
    </message>
    <message>
        <source>{days} 个工作日</source>
        <translation>{days} working day(s)</translation>
    </message>
</context>
<context>
    <name>TodoPage</name>
    <message>
        <source>待办 — 待核实、待登记的失业登记申请</source>
        <translation>To do — applications awaiting verification or registration</translation>
    </message>
    <message>
        <source>刷新（F5）</source>
        <translation>Refresh (F5)</translation>
    </message>
    <message>
        <source>按办结期限排序，逾期为红色；Enter 打开核实，Ctrl+O 打开人员档案</source>
        <translation>By deadline, overdue in red; Enter opens verification, Ctrl+O the person record</translation>
    </message>
    <message>
        <source>正在打开本地数据库……</source>
        <translation>Opening the local database…</translation>
    </message>
    <message>
        <source>共 {count} 件，其中逾期 {overdue} 件</source>
        <translation>{count} pending, {overdue} overdue</translation>
    </message>
    <message>
        <source>没有待办的登记申请</source>
        <translation>No pending applications</translation>
    </message>
    <message>
        <source>待办读取失败：{reason}</source>
        <translation>Could not read the to-do list: {reason}</translation>
    </message>
</context>
<context>
    <name>VerifyDialog</name>
    <message>
        <source>核实与登记</source>
        <translation>Verification and registration</translation>
    </message>
    <message>
        <source>数据来源</source>
        <translation>Source</translation>
    </message>
    <message>
        <source>结果</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>依据</source>
        <translation>Evidence</translation>
    </message>
    <message>
        <source>数据比对核实通过</source>
        <translation>Verified by data comparison</translation>
    </message>
    <message>
        <source>数据比对（通知第三条）</source>
        <translation>Data comparison (notice §3)</translation>
    </message>
    <message>
        <source>上门核实</source>
        <translation>Home visit</translation>
    </message>
    <message>
        <source>转上门核实</source>
        <translation>Send for a home visit</translation>
    </message>
    <message>
        <source>保存核实结果</source>
        <translation>Save the visit&apos;s result</translation>
    </message>
    <message>
        <source>经办人</source>
        <translation>Assignee</translation>
    </message>
    <message>
        <source>完成日期</source>
        <translation>Due by</translation>
    </message>
    <message>
        <source>核实事项</source>
        <translation>What to check</translation>
    </message>
    <message>
        <source>走访日期</source>
        <translation>Visited on</translation>
    </message>
    <message>
        <source>核实结论</source>
        <translation>Conclusion</translation>
    </message>
    <message>
        <source>走访情况</source>
        <translation>Findings</translation>
    </message>
    <message>
        <source>审核决定</source>
        <translation>Decision</translation>
    </message>
    <message>
        <source>登记</source>
        <translation>Register</translation>
    </message>
    <message>
        <source>不予登记的理由（告知申请人）</source>
        <translation>Reason for refusal (told to the applicant)</translation>
    </message>
    <message>
        <source>打印不予登记告知书</source>
        <translation>Print the notice of refusal</translation>
    </message>
    <message>
        <source>不予登记</source>
        <translation>Refuse</translation>
    </message>
    <message>
        <source>理由</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>完成日期「{text}」不是有效日期</source>
        <translation>Due date &quot;{text}&quot; is not a valid date</translation>
    </message>
    <message>
        <source>走访日期「{text}」不是有效日期</source>
        <translation>Visit date &quot;{text}&quot; is not a valid date</translation>
    </message>
    <message>
        <source>请选择核实结论</source>
        <translation>Choose the conclusion</translation>
    </message>
    <message>
        <source>已作不予登记决定</source>
        <translation>Refusal recorded</translation>
    </message>
    <message>
        <source>已作不予登记决定，告知书已在 {printer} 打印</source>
        <translation>Refusal recorded; notice printed on {printer}</translation>
    </message>
    <message>
        <source>已作不予登记决定，但告知书未能打印：{reason}</source>
        <translation>Refusal recorded, but the notice was not printed: {reason}</translation>
    </message>
    <message>
        <source>不详</source>
        <translation>unknown</translation>
    </message>
    <message>
        <source>已逾期 {due}</source>
        <translation>overdue since {due}</translation>
    </message>
    <message>
        <source>{id_number}&#x3000;登记编号 {number}</source>
        <translation>{id_number}   registration number {number}</translation>
    </message>
    <message>
        <source>状态：{status}&#x3000;渠道：{channel}&#x3000;受理日期：{applied}&#x3000;</source>
        <translation>Status: {status}   channel: {channel}   accepted on: {applied}   </translation>
    </message>
    <message>
        <source>办结期限：{due}</source>
        <translation>Deadline: {due}</translation>
    </message>
    <message>
        <source>已交 {assignee} 上门核实，{due} 前完成；核实事项：{reason}；地址：{address}</source>
        <translation>Home visit by {assignee}, due {due}; to check: {reason}; address: {address}</translation>
    </message>
    <message>
        <source>（未填写）</source>
        <translation>(not given)</translation>
    </message>
    <message>
        <source>数据比对无法确认时，交工作人员上门核实。</source>
        <translation>When data comparison cannot settle it, send a staff member for a home visit.</translation>
    </message>
    <message>
        <source>无需上门核实。</source>
        <translation>No home visit needed.</translation>
    </message>
</context>
</TS>
