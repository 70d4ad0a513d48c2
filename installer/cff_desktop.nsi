; Windows installer for cff_desktop (NSIS 3, Unicode).
;
;   makensis /INPUTCHARSET UTF8 [/DVERSION=0.1.0] [/DSOURCE_DIR=..\dist\cff-desktop] ^
;            [/DOUTFILE=..\dist\cff-desktop-setup-0.1.0.exe] installer\cff_desktop.nsi
;
; What it promises, and how:
; - No administrator rights needed: run normally it installs for the current user into
;   %LOCALAPPDATA%\Programs\cff_desktop; run elevated ("Run as administrator") it installs for
;   all users into Program Files (/CURRENTUSER forces a per-user install even then).
; - User data is never here: the app keeps it in %LOCALAPPDATA%\cff_desktop (platformdirs), so
;   installing, upgrading and uninstalling cannot touch it, except when the user asks the
;   uninstaller to delete it (the default is to keep it).
; - An interrupted upgrade leaves the old version working: each install unpacks into its own
;   folder (app-<version>) beside the one in use and checks it is complete; only then does it
;   point the registry, the shortcuts and cff.cmd at the new folder, and only after that does it
;   delete the old folder. A folder that is in use is never written into: reinstalling the same
;   version unpacks into app-<version>-b instead. Running the installer again after an
;   interruption removes the half-written folder and finishes the job.
; - A running copy is detected through the named mutex the app holds (cff_desktop\common\
;   instance.py) and the user is asked to close it; a silent install (/S) gives up instead.
; - Paths with Vietnamese letters or spaces work: the installer is Unicode and every path is quoted.

Unicode true
ManifestDPIAware true
RequestExecutionLevel user
SetCompressor /SOLID lzma
SetCompressorDictSize 64

!include MUI2.nsh
!include LogicLib.nsh
!include FileFunc.nsh
!include WordFunc.nsh
!include x64.nsh

; ---- build-time settings -------------------------------------------------------------------
!ifndef VERSION
  ; read __version__ from the package so the installer can never disagree with the app
  !searchparse /file "..\cff_desktop\__init__.py" '__version__ = "' VERSION '"'
!endif
!ifndef VERSION_WIN
  !define VERSION_WIN "${VERSION}.0"   ; four numbers for the file's version resource
!endif
!ifndef SOURCE_DIR
  !define SOURCE_DIR "..\dist\cff-desktop"   ; the PyInstaller one-folder bundle
!endif
!ifndef OUTFILE
  !define OUTFILE "..\dist\cff-desktop-setup-${VERSION}.exe"
!endif

!define APP "cff_desktop"
!define APP_EXE "cff-desktop.exe"
!define CLI_EXE "cff.exe"
!define TITLE "Đánh giá xã, phường, thị trấn phù hợp với trẻ em"
!define SHORTCUT "Đánh giá xã phù hợp với trẻ em"
!define PUBLISHER "cff_desktop"
!define APP_KEY "Software\cff_desktop"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\cff_desktop"
; the names the app creates (cff_desktop\common\instance.py: RUNNING_MUTEX, RUNNING_MUTEX_GLOBAL)
!define MUTEX "cff_desktop.running"
!define MUTEX_GLOBAL "Global\cff_desktop.running"

Name "${TITLE}"
Caption "Cài đặt ${APP} ${VERSION}"
UninstallCaption "Gỡ cài đặt ${APP}"
BrandingText "${APP} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir ""   ; chosen in .onInit: per-user or all-users, or where the last version went
ShowInstDetails show
ShowUninstDetails show

VIProductVersion "${VERSION_WIN}"
VIAddVersionKey /LANG=0 "ProductName" "${APP} — ${TITLE}"
VIAddVersionKey /LANG=0 "FileDescription" "Trình cài đặt ${APP}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=0 "LegalCopyright" "MIT License"

Var AllUsers   ; "1" for an all-users install (HKLM, Program Files, common shortcuts)
Var Target     ; the folder this run unpacks into: $INSTDIR\app-<version>[-b]
Var Live       ; the folder the registry says is in use, if any
Var PrevDir    ; where the previous version was installed, if anywhere

; ---- pages (Vietnamese) ----------------------------------------------------------------------
!define MUI_ICON "..\resources\icons\cff-desktop.ico"
!define MUI_UNICON "..\resources\icons\cff-desktop.ico"
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TITLE "Cài đặt ${APP} ${VERSION}"
!define MUI_WELCOMEPAGE_TEXT "Chương trình giúp xã, phường, thị trấn tự đánh giá theo tiêu chuẩn \
phù hợp với trẻ em, làm việc hoàn toàn không cần mạng.$\r$\n$\r$\nDữ liệu đã nhập (vòng đánh giá, \
cán bộ, minh chứng) được giữ nguyên khi cài phiên bản mới.$\r$\n$\r$\nBấm Tiếp để tiếp tục."
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$Target\${APP_EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "Mở chương trình ngay"
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "Vietnamese"

; ---- shared pieces ---------------------------------------------------------------------------
; Is a copy of the app running? The app holds a named mutex; OpenMutex finds it in this session
; (plain name) or in any session (Global\). Access denied (error 5) also means it exists.
!macro IS_RUNNING result
  System::Call 'kernel32::OpenMutexW(i 0x00100000, i 0, w "${MUTEX}") p .r8 ?e'
  Pop $9
  ${If} $8 P= 0
  ${AndIf} $9 <> 5
    System::Call 'kernel32::OpenMutexW(i 0x00100000, i 0, w "${MUTEX_GLOBAL}") p .r8 ?e'
    Pop $9
  ${EndIf}
  ${If} $8 P<> 0
    System::Call 'kernel32::CloseHandle(p r8)'
    StrCpy ${result} 1
  ${ElseIf} $9 = 5
    StrCpy ${result} 1
  ${Else}
    StrCpy ${result} 0
  ${EndIf}
!macroend

; Ask until the app is closed; Cancel (and a silent run) leaves without changing anything.
!macro WAIT_CLOSED un
  Function ${un}WaitClosed
    ${Do}
      !insertmacro IS_RUNNING $0
      ${If} $0 = 0
        ${Break}
      ${EndIf}
      MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "${APP} đang chạy. Hãy lưu công việc, đóng mọi \
cửa sổ ${APP} rồi bấm Thử lại (Retry).$\r$\n$\r$\nBấm Hủy (Cancel) để dừng; chưa có gì bị thay đổi." \
        /SD IDCANCEL IDRETRY +2
      Quit
    ${Loop}
  FunctionEnd
!macroend
!insertmacro WAIT_CLOSED ""
!insertmacro WAIT_CLOSED "un."

; Delete every app-* folder in `dir` except the one named `keep` (a file still locked stays
; behind until the next install: the version in use does not depend on it).
!macro REMOVE_VERSIONS dir keep
  FindFirst $R0 $R1 "${dir}\app-*"
  ${DoWhile} $R1 != ""
    ${If} $R1 != "${keep}"
      DetailPrint "Xóa: ${dir}\$R1"
      RMDir /r "${dir}\$R1"
    ${EndIf}
    FindNext $R0 $R1
  ${Loop}
  FindClose $R0
!macroend

; Which registry root and shell folders: HKLM/common for all users, HKCU/per-user otherwise.
!macro USE_CONTEXT
  ${If} $AllUsers == 1
    SetShellVarContext all
  ${Else}
    SetShellVarContext current
  ${EndIf}
!macroend

; ---- install ---------------------------------------------------------------------------------
Function .onInit
  ${If} ${RunningX64}
    SetRegView 64
  ${EndIf}
  ; Elevated ("Run as administrator") means all users, unless /CURRENTUSER says otherwise.
  StrCpy $AllUsers 0
  System::Call 'shell32::IsUserAnAdmin() i .r0'
  ${GetParameters} $1
  ClearErrors
  ${GetOptions} $1 "/CURRENTUSER" $2
  ${If} $0 <> 0
  ${AndIf} ${Errors}
    StrCpy $AllUsers 1
  ${EndIf}
  !insertmacro USE_CONTEXT

  ; An earlier install decides the folder (upgrade in place), unless /D= gave one.
  ReadRegStr $2 SHCTX "${APP_KEY}" "InstallDir"
  ReadRegStr $3 SHCTX "${APP_KEY}" "Version"
  StrCpy $PrevDir $2
  ${If} $INSTDIR == ""
    ${If} $2 != ""
      StrCpy $INSTDIR $2
    ${ElseIf} $AllUsers == 1
      ${If} ${RunningX64}
        StrCpy $INSTDIR "$PROGRAMFILES64\${APP}"
      ${Else}
        StrCpy $INSTDIR "$PROGRAMFILES\${APP}"
      ${EndIf}
    ${Else}
      StrCpy $INSTDIR "$LOCALAPPDATA\Programs\${APP}"
    ${EndIf}
  ${EndIf}

  ; Installing an older version over a newer one: the newer app may already have upgraded the
  ; database, which the older one will refuse to open (it says so). Ask; a silent run says no.
  ${If} $3 != ""
    ${VersionCompare} "${VERSION}" "$3" $4
    ${If} $4 = 2
      MessageBox MB_YESNO|MB_ICONEXCLAMATION|MB_DEFBUTTON2 "Máy này đã cài ${APP} phiên bản $3, \
mới hơn bản ${VERSION} này.$\r$\n$\r$\nNếu phiên bản mới đã nâng cấp dữ liệu, bản cũ sẽ không mở \
được dữ liệu đó (dữ liệu vẫn giữ nguyên, không bị xóa). Vẫn cài bản cũ hơn?" /SD IDNO IDYES +2
      Abort
    ${EndIf}
  ${EndIf}
  Call WaitClosed
FunctionEnd

Function .onVerifyInstDir
  ; The folder must be ours to manage: refuse the root of a drive and the Windows folder.
  StrLen $0 $INSTDIR
  ${If} $0 < 4
    Abort
  ${EndIf}
  ${If} $INSTDIR == $WINDIR
    Abort
  ${EndIf}
FunctionEnd

Section "${APP}" SecApp
  SectionIn RO
  Call WaitClosed   ; again: the app may have been started while the pages were shown

  ; 1. Choose a folder that is not the one in use.
  ReadRegStr $Live SHCTX "${APP_KEY}" "AppDir"
  StrCpy $Target "$INSTDIR\app-${VERSION}"
  ${If} $Live == $Target
    StrCpy $Target "$INSTDIR\app-${VERSION}-b"
  ${EndIf}

  ; 2. Unpack the whole bundle there (a leftover from an interrupted run is removed first).
  DetailPrint "Giải nén vào $Target"
  RMDir /r "$Target"
  ClearErrors
  CreateDirectory "$Target"
  SetOutPath "$Target"
  File /r "${SOURCE_DIR}\*.*"
  ${If} ${Errors}
  ${OrIfNot} ${FileExists} "$Target\${APP_EXE}"
  ${OrIfNot} ${FileExists} "$Target\${CLI_EXE}"
    SetOutPath "$INSTDIR"
    RMDir /r "$Target"
    MessageBox MB_OK|MB_ICONSTOP "Không ghi được tệp chương trình vào $Target (ổ đĩa đầy hoặc không \
có quyền ghi). Phiên bản đang cài trước đó vẫn dùng được." /SD IDOK
    Abort "Chưa cài được."
  ${EndIf}

  ; 3. Switch: the registry first, then the shortcuts, then cff.cmd. Each points at a complete
  ;    folder, and the old folder still exists until step 4.
  SetOutPath "$INSTDIR"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr SHCTX "${APP_KEY}" "InstallDir" "$INSTDIR"
  WriteRegStr SHCTX "${APP_KEY}" "AppDir" "$Target"
  WriteRegStr SHCTX "${APP_KEY}" "Version" "${VERSION}"
  WriteRegStr SHCTX "${UNINST_KEY}" "DisplayName" "${APP} — ${TITLE}"
  WriteRegStr SHCTX "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr SHCTX "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr SHCTX "${UNINST_KEY}" "DisplayIcon" "$Target\${APP_EXE}"
  WriteRegStr SHCTX "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr SHCTX "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr SHCTX "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD SHCTX "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD SHCTX "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$Target" "/S=0K" $0 $1 $2
  WriteRegDWORD SHCTX "${UNINST_KEY}" "EstimatedSize" "$0"

  SetOutPath "$Target"   ; the shortcuts' working folder
  CreateShortCut "$SMPROGRAMS\${SHORTCUT}.lnk" "$Target\${APP_EXE}" "" "$Target\${APP_EXE}" 0
  CreateShortCut "$DESKTOP\${SHORTCUT}.lnk" "$Target\${APP_EXE}" "" "$Target\${APP_EXE}" 0
  ; `cff` for a command prompt opened in the install folder, whatever the current version is
  ${GetFileName} "$Target" $0
  FileOpen $1 "$INSTDIR\cff.cmd" w
  FileWrite $1 '@"%~dp0$0\${CLI_EXE}" %*$\r$\n'
  FileClose $1

  ; 4. Remove older versions (and any half-written folder). A file still locked stays until the
  ;    next install; the version now in use is not affected.
  SetOutPath "$INSTDIR"
  ${GetFileName} "$Target" $2
  !insertmacro REMOVE_VERSIONS "$INSTDIR" $2
  ; Installed somewhere else this time: take the previous copy away (the folder itself only if
  ; it is left empty).
  ${If} $PrevDir != ""
  ${AndIf} $PrevDir != $INSTDIR
    !insertmacro REMOVE_VERSIONS "$PrevDir" ""
    Delete "$PrevDir\cff.cmd"
    Delete "$PrevDir\uninstall.exe"
    RMDir "$PrevDir"
  ${EndIf}
SectionEnd

; ---- uninstall -------------------------------------------------------------------------------
Function un.onInit
  ${If} ${RunningX64}
    SetRegView 64
  ${EndIf}
  ; Installed for all users (HKLM names this folder)? Then removing it needs administrator rights.
  StrCpy $AllUsers 0
  ReadRegStr $0 HKLM "${APP_KEY}" "InstallDir"
  ${If} $0 == $INSTDIR
    StrCpy $AllUsers 1
    System::Call 'shell32::IsUserAnAdmin() i .r1'
    ${If} $1 = 0
      ; ask Windows to run this uninstaller again elevated (UAC), with the same arguments
      ${GetParameters} $2
      ClearErrors
      ExecShell "runas" "$EXEPATH" "$2"
      ${If} ${Errors}
        MessageBox MB_OK|MB_ICONSTOP "${APP} được cài cho mọi người dùng máy này; cần quyền quản trị \
để gỡ. Bấm chuột phải vào trình gỡ cài đặt, chọn Run as administrator." /SD IDOK
      ${EndIf}
      Quit
    ${EndIf}
  ${EndIf}
  !insertmacro USE_CONTEXT
  Call un.WaitClosed
FunctionEnd

Section "Uninstall"
  Call un.WaitClosed
  Delete "$SMPROGRAMS\${SHORTCUT}.lnk"
  Delete "$DESKTOP\${SHORTCUT}.lnk"
  !insertmacro REMOVE_VERSIONS "$INSTDIR" ""
  Delete "$INSTDIR\cff.cmd"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"   ; only if empty: never /r a folder the user may have chosen for other things
  DeleteRegKey SHCTX "${UNINST_KEY}"
  DeleteRegKey SHCTX "${APP_KEY}"

  ; The data (rounds, officers, evidence, backups) is kept unless the user says otherwise.
  ; It is the data of the user running the uninstaller, in the folder the app uses:
  ; platformdirs' user_data_dir, %LOCALAPPDATA%\cff_desktop.
  SetShellVarContext current
  StrCpy $0 "$LOCALAPPDATA\${APP}"
  ${If} ${FileExists} "$0\*.*"
    MessageBox MB_YESNO|MB_ICONQUESTION|MB_DEFBUTTON1 "Giữ lại dữ liệu đánh giá (các vòng đánh giá, \
cán bộ, minh chứng, bản sao lưu) trong thư mục$\r$\n$0 ?$\r$\n$\r$\nChọn Có (Yes) để giữ lại — cài \
lại chương trình sẽ dùng tiếp được. Chọn Không (No) để xóa vĩnh viễn." /SD IDYES IDYES keep
    RMDir /r "$0"
    keep:
  ${EndIf}
SectionEnd
