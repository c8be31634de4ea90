; Inno Setup 6 script of the dengji Windows installer (甘肃省失业登记窗口客户端).
;
; Build on Windows (installer/README.md, "Windows"):
;     pyinstaller --noconfirm --distpath dist --workpath build\pyinstaller installer\dengji.spec
;     "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 installer\windows\dengji.iss
; Output: dist\dengji-<version>-setup.exe
;
; Installs the PyInstaller bundle (dist\dengji) under Program Files, a Start-menu entry (the
; windowed dengjiw.exe, no console behind the client) and an uninstaller. The clerks' data
; lives in each account's %LOCALAPPDATA%\dengji (database and configuration, platformdirs'
; user_data_dir/user_config_dir): the uninstaller keeps it unless the person removing asks
; otherwise, as a counter's journal may hold events not yet synced to the central database.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "失业登记"
#define AppExe "dengjiw.exe"
#define BundleDir "..\..\dist\dengji"

[Setup]
AppId={{6B0E6C3A-2F4D-4C38-9C1E-5D0E2B7A1D11}
AppName={#AppName}
AppVerName={#AppName} {#AppVersion}
AppVersion={#AppVersion}
AppPublisher=甘肃省公共就业服务
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\dengji
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; 64-bit only: PySide6 publishes no 32-bit Windows wheels.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
; Installed for every account of the counter PC; each account keeps its own data.
PrivilegesRequired=admin
OutputDir=..\..\dist
OutputBaseFilename=dengji-{#AppVersion}-setup
SetupIconFile=..\icons\dengji.ico
UninstallDisplayIcon={app}\dengji.exe
UninstallDisplayName={#AppName} {#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; An upgrade over a running client: ask to close it instead of leaving half-replaced files.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
; The whole one-folder bundle: dengji.exe (console, the command line), dengjiw.exe (the
; client), _internal\ (Python, Qt, data files). An upgrade replaces it; files of an older
; version that the new one no longer has are removed first ([InstallDelete]).
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Comment: "公共就业服务大厅失业登记窗口客户端"
Name: "{autoprograms}\{#AppName}（命令行）"; Filename: "{cmd}"; Parameters: "/k ""{app}\dengji.exe"" --help"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Registry]
; `dengji` on the command line of every account (the support staff's tools: demo, print, card).
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; Check: NeedsAddPath(ExpandConstant('{app}'))

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent unchecked

[UninstallDelete]
; Caches Python may have written beside the program.
Type: filesandordirs; Name: "{app}\_internal\__pycache__"

[Code]
function NeedsAddPath(Dir: string): Boolean;
var
  Paths: string;
begin
  if not RegQueryStringValue(HKEY_LOCAL_MACHINE,
    'SYSTEM\CurrentControlSet\Control\Session Manager\Environment', 'Path', Paths) then
  begin
    Result := True;
    exit;
  end;
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Paths) + ';') = 0;
end;

procedure RemoveFromPath(Dir: string);
var
  Paths: string;
  P: Integer;
begin
  if not RegQueryStringValue(HKEY_LOCAL_MACHINE,
    'SYSTEM\CurrentControlSet\Control\Session Manager\Environment', 'Path', Paths) then
    exit;
  P := Pos(';' + Uppercase(Dir), Uppercase(Paths));
  if P > 0 then
  begin
    Delete(Paths, P, Length(Dir) + 1);
    RegWriteExpandStringValue(HKEY_LOCAL_MACHINE,
      'SYSTEM\CurrentControlSet\Control\Session Manager\Environment', 'Path', Paths);
  end;
end;

// The uninstaller asks before deleting the data of the account running it: the local
// database (registrations, journal) and the configuration. The default answer keeps them.
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: string;
begin
  if CurUninstallStep = usUninstall then
    RemoveFromPath(ExpandConstant('{app}'));
  if CurUninstallStep = usPostUninstall then
  begin
    DataDir := ExpandConstant('{localappdata}\dengji');
    if DirExists(DataDir) and not UninstallSilent() then
    begin
      if MsgBox('是否同时删除本账户的本地数据库和配置？' #13#10 + DataDir + #13#10#13#10 +
                '其中可能有尚未上传到中心数据库的登记记录。一般请选择“否”（保留）。',
                mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES then
        DelTree(DataDir, True, True, True);
    end;
  end;
end;
