<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="zh_CN">
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
        <source>读卡器：正在查找……</source>
        <translation>Card reader: searching…</translation>
    </message>
    <message>
        <source>就绪</source>
        <translation>ready</translation>
    </message>
    <message>
        <source>读卡器：未连接</source>
        <translation>Card reader: not connected</translation>
    </message>
    <message>
        <source>读卡器：{ready}/{total} 台就绪</source>
        <translation>Card readers: {ready}/{total} ready</translation>
    </message>
    <message>
        <source>读卡器：{count} 台就绪</source>
        <translation>Card readers: {count} ready</translation>
    </message>
    <message>
        <source>读卡器：{message}</source>
        <translation>Card reader: {message}</translation>
    </message>
    <message>
        <source>读卡器：已读卡</source>
        <translation>Card reader: card read</translation>
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
        <source>本页将用于受理失业登记：读取身份证或社会保障卡，填写《失业人员登记表》，打印书面承诺，核实后在规定的工作日内办结登记（通知第三条），尚未开放。</source>
        <translation>This page will be used to accept unemployment registrations: read the ID or social security card, fill in the registration form, print the written commitment, and settle the registration within the set working days after verification (notice §3). Not yet open.</translation>
    </message>
    <message>
        <source>待办</source>
        <translation>To do</translation>
    </message>
    <message>
        <source>本页将用于列出待办事项：待核实的申请及其办结期限、登记后待联系的人员、本月应联系的人员，尚未开放。</source>
        <translation>This page will be used to list pending work: applications awaiting verification and their deadlines, people to contact after registration, and people due for this month&apos;s contact. Not yet open.</translation>
    </message>
    <message>
        <source>服务跟踪</source>
        <translation>Services</translation>
    </message>
    <message>
        <source>本页将用于记录职业指导、职业介绍、培训项目推荐等服务和每月联系情况，并跟踪就业困难人员的援助，尚未开放。</source>
        <translation>This page will be used to record services such as career guidance, job referrals and training recommendations, and the monthly contacts, and to follow the assistance of people with employment difficulties. Not yet open.</translation>
    </message>
    <message>
        <source>注销</source>
        <translation>Deregistration</translation>
    </message>
    <message>
        <source>本页将用于办理失业登记注销：选择注销情形，打印注销告知，并列出连续6个月无法取得联系等应注销的人员，尚未开放。</source>
        <translation>This page will be used to deregister: choose the reason, print the notice, and list the people due for deregistration, such as those out of contact for 6 consecutive months. Not yet open.</translation>
    </message>
    <message>
        <source>统计</source>
        <translation>Statistics</translation>
    </message>
    <message>
        <source>本页将用于统计登记失业人数、新增登记、注销和就业困难人员等数据，并生成月度报表，尚未开放。</source>
        <translation>This page will be used to count the registered unemployed, new registrations, deregistrations and people with employment difficulties, and to produce the monthly report. Not yet open.</translation>
    </message>
    <message>
        <source>清单</source>
        <translation>Lists</translation>
    </message>
    <message>
        <source>本页将用于查看和打印政策清单、服务清单和公共就业服务机构清单（通知第四条），尚未开放。</source>
        <translation>This page will be used to view and print the policy list, the service list and the list of public employment service agencies (notice §4). Not yet open.</translation>
    </message>
    <message>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>本页将用于设置读卡器、打印机和中心数据库连接，尚未开放。</source>
        <translation>This page will be used to set up card readers, printers and the central database connection. Not yet open.</translation>
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
        <source>输入身份证号码、姓名或手机号码开始查询</source>
        <translation>Type an ID number, a name or a mobile number to search</translation>
    </message>
    <message>
        <source>登记记录</source>
        <translation>Registration history</translation>
    </message>
    <message>
        <source>选择一名人员后，这里显示其登记记录</source>
        <translation>Select a person to see their registration history here</translation>
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
</TS>
