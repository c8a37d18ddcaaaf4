#include "JobRunner.h"

#include <QProgressDialog>
#include <QWidget>
#include <exception>

namespace siamese::ui {

JobRunner::JobRunner(QWidget* parent, bool showDialog) : QObject(parent), m_parent(parent), m_showDialog(showDialog) {
  qRegisterMetaType<siamese::Progress>();
}

void JobRunner::cancel() {
  if (m_busy && m_stop) m_stop->requestStop();
}

JobRunner::~JobRunner() {
  if (m_thread.joinable()) {
    m_stop->requestStop();
    m_thread.join();
  }
}

bool JobRunner::start(const QString& title, Job job) {
  if (m_busy) return false;
  if (m_thread.joinable()) m_thread.join();
  m_busy = true;
  m_stop = std::make_unique<StopToken>();
  if (m_showDialog && !m_dialog) {
    m_dialog = new QProgressDialog(m_parent);
    m_dialog->setWindowModality(Qt::WindowModal);
    m_dialog->setAutoClose(false);
    m_dialog->setAutoReset(false);
    m_dialog->setMinimumDuration(400);  // short jobs finish without a flash of dialog
    connect(m_dialog, &QProgressDialog::canceled, this, [this] {
      if (m_stop) m_stop->requestStop();
      m_dialog->setLabelText(tr("Stopping at the next safe point…"));
    });
  }
  if (m_dialog) {
    m_dialog->setWindowTitle(title);
    m_dialog->setLabelText(title);
    m_dialog->setRange(0, 0);
    m_dialog->setValue(0);
  }

  StopToken* stop = m_stop.get();
  m_thread = std::thread([this, job = std::move(job), stop] {
    const ProgressFn progress = [this](const Progress& p) {
      QMetaObject::invokeMethod(this, [this, p] {
        if (!m_busy) return;
        emit progressed(p);
        if (!m_dialog) return;
        if (p.total > 0) {
          m_dialog->setRange(0, int(p.total));
          m_dialog->setValue(int(p.done));
        }
        if (!p.message.empty()) m_dialog->setLabelText(QString::fromStdString(p.message));
      }, Qt::QueuedConnection);
    };
    QString error;
    bool ok = true;
    try {
      job(progress, *stop);
    } catch (const std::exception& e) {
      ok = false;
      error = QString::fromUtf8(e.what());
    }
    QMetaObject::invokeMethod(this, [this, ok, error] { finish(ok, error); }, Qt::QueuedConnection);
  });
  return true;
}

void JobRunner::finish(bool ok, const QString& error) {
  if (m_thread.joinable()) m_thread.join();
  const bool cancelled = m_stop && m_stop->stopRequested();
  m_busy = false;
  if (m_dialog) {
    m_dialog->reset();
    m_dialog->hide();
  }
  emit finished(ok, cancelled, error);
}

}  // namespace siamese::ui
