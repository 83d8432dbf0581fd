; Inno Setup 6 script for the Windows bundle built by packaging/workstation.spec (see docs/windows.md).
; Not built or tested by this project's CI: there is no Windows machine here.
#define AppName "信息公开申请工作台"
#define AppVersion "0.1.0.0"

[Setup]
AppId={{6C1E0B9E-3F0A-4E51-9B59-3B7A9E2D1C44}
AppName={#AppName}
AppVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
OutputBaseFilename=workstation-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible
UninstallDisplayIcon={app}\workstation.exe

[Languages]
; Inno Setup ships no Simplified Chinese messages file; put the community ChineseSimplified.isl into
; its Languages folder and use that line instead of the English one.
Name: "english"; MessagesFile: "compiler:Default.isl"
; Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Files]
Source: "..\..\build\bundle\workstation\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\workstation.exe"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\workstation.exe"

; The registers live in each user's %LOCALAPPDATA%; uninstalling removes only {app}.
