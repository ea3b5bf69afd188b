import { Button, type ButtonProps, Group, Modal, Text, Textarea } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useState } from 'react';

export interface ConfirmButtonProps extends ButtonProps {
  label: string;
  /** Asked in the confirmation dialog; destructive actions always ask (issue 12). */
  question: string;
  onConfirm: (reason: string) => void;
  /** Shows a reason field whose text goes with the action (audit, status history). */
  askReason?: boolean;
  reasonRequired?: boolean;
}

export function ConfirmButton({
  label,
  question,
  onConfirm,
  askReason,
  reasonRequired,
  ...button
}: ConfirmButtonProps) {
  const [opened, { open, close }] = useDisclosure(false);
  const [reason, setReason] = useState('');
  return (
    <>
      <Button {...button} onClick={open}>
        {label}
      </Button>
      <Modal opened={opened} onClose={close} title={label} centered>
        <Text mb="sm">{question}</Text>
        {askReason && (
          <Textarea
            label="Reason"
            required={reasonRequired}
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
            mb="sm"
          />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button
            color={button.color ?? 'red'}
            disabled={reasonRequired && !reason.trim()}
            onClick={() => {
              close();
              onConfirm(reason.trim());
              setReason('');
            }}
          >
            Confirm
          </Button>
        </Group>
      </Modal>
    </>
  );
}
